"""docs/validation.md §6 counts the parameters by origin from its own table (sim/validation/parameter_count.py),
and the table has a row for every scenario key."""

from sim.validation import parameter_count as pc

TABLE = """## 6. Where every parameter comes from

Some text.

| key | default | plan | class | note | source (schema) |
|---|---|---|---|---|---|
| `a.x` | `1` |  | free |  | estimate |
| `a.y` | `1` |  | data |  | facts |
| `a.z.*` (2 rates) | `0.1` each |  | literature / free |  |  |
| `b.w` | `1` |  | calibrated; plan |  |  |

## 7. Next
| `c.v` | `1` |  | free |  |  |
"""
KEYS = ["a.x", "a.y", "a.z.p", "a.z.q", "b.w"]


def _text() -> str:
    return pc.VALIDATION_MD.read_text(encoding="utf-8")


def test_the_count_comes_from_the_table_only():
    rows = pc.table_rows(TABLE)
    assert [key for key, _ in rows] == ["a.x", "a.y", "a.z.*", "b.w"]  # the table of section 7 is not read
    counts = pc.count(rows, KEYS)
    assert counts == {"free": 1, "data": 1, "literature / free": 2, "calibrated / plan": 1}


def test_the_sentence_states_the_counts():
    sentence = pc.summary(TABLE, KEYS)
    assert sentence.startswith("Of the 5 keys (4 rows in the table below;")
    assert "**1 are free estimates**, 1 come from data, 0 from the literature" in sentence
    assert "and 3 mix two classes (2 literature / free, 1 calibrated / plan)." in sentence


def test_validation_md_states_what_its_table_counts():
    sentence = pc.summary(_text())
    assert sentence in _text(), ("docs/validation.md §6 does not state the counts of its table: replace its "
                                 "'Of the N keys ...' sentence by the output of "
                                 f"`python -m sim.validation.parameter_count`:\n{sentence}")


def test_every_schema_key_has_one_row_and_no_row_is_stale():
    keys = pc.schema_keys()
    rows = [key for key, _ in pc.table_rows(_text())]
    covered = [k for row in rows for k in pc.covered(row, keys)]
    missing = sorted(set(keys) - set(covered))
    assert not missing, f"schema keys without a row in docs/validation.md §6: {missing}"
    assert len(covered) == len(set(covered)), "a schema key has two rows in docs/validation.md §6"
    stale = [row for row in rows if not pc.covered(row, keys)]
    assert not stale, f"rows of docs/validation.md §6 for keys the schema no longer has: {stale}"


def test_every_row_has_a_known_class():
    assert pc.unknown_classes(pc.table_rows(_text())) == []


def test_record_fields_that_name_a_place_or_year_are_not_parameters():
    keys = pc.schema_keys()
    assert "integration.transport_projects" in keys and "integration.transport_projects[].access_gain" in keys
    assert "integration.transport_projects[].town" not in keys and "name" not in keys
