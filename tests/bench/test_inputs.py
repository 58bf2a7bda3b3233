import random

import pytest

from bench.inputs import TYPOS, _misspelled


def _beside(wrong: str, meant: str) -> bool:
    rows = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
    return any(
        wrong in row and meant in row and abs(row.index(wrong) - row.index(meant)) == 1
        for row in rows
    )


@pytest.mark.parametrize("seed", range(20))
def test_each_typo_is_one_slip_inside_the_name(seed):
    rng = random.Random(seed)
    name = "Hayato Isomura"
    swapped, left_out, twice, beside = (_misspelled(rng, name, typo) for typo in TYPOS)
    for typo in (swapped, left_out, twice, beside):
        assert typo[0] == "H" and typo[-1] == "a" and typo != name
    assert sorted(swapped) == sorted(name) and len(swapped) == len(name)
    assert any(swapped == name[:at] + name[at + 1] + name[at] + name[at + 2 :] for at in range(13))
    assert any(left_out == name[:at] + name[at + 1 :] for at in range(14))
    assert any(twice == name[:at] + name[at] + name[at:] for at in range(14))
    (at,) = [at for at in range(14) if beside[at] != name[at]]
    assert len(beside) == len(name) and _beside(beside[at], name[at])


def test_no_typo_where_no_small_letter_is_inside():
    assert _misspelled(random.Random(1), "옥택연", "left out") is None
    assert _misspelled(random.Random(1), "ABa", "swapped") is None
