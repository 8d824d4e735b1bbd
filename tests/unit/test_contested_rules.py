"""Figures in sentences, as the contested-claim scan reads them (assistant.contested): which figure
belongs to which quantity, and how figures are normalised before they are compared."""

from __future__ import annotations

import pytest

from assistant.contested import figures_by_facet, normalise_figure


@pytest.mark.parametrize(
    ("figure", "expected"),
    [
        ("0.2%", "0.2%"),
        ("about 0.2%", "0.2%"),
        ("approximately 12 %", "12%"),
        ("up to 30%", "30%"),
        ("as high as 76%", "76%"),
        ("below 10%", "10%"),
        ("0.02% to 3%", "0.02%-3%"),
        ("between 10 and 20%", "10-20%"),
        ("5 – 20%", "5-20%"),
        ("5-20%", "5-20%"),
        ("from 11 to 20%", "11-20%"),
        ("1 per 100,000", "1per100,000"),
        ("1960", "1960"),
        ("  about 3%  ", "3%"),
    ],
)
def test_normalise_figure(figure, expected):
    assert normalise_figure(figure) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The incidence of NMS is 0.02% to 3% among patients taking antipsychotics.", {"incidence": ["0.02%-3%"]}),
        ("Mortality has fallen from 76% in the 1960s to below 10%.", {"mortality": ["76%", "10%"]}),
        # each figure goes to the nearest quantity word of the sentence
        (
            "Mortality is 10% in recent series, while the incidence of NMS is 0.2%.",
            {"mortality": ["10%"], "incidence": ["0.2%"]},
        ),
        # ...measured from the word's start: "10%" is 14 characters from "Mortality", 13 from "incidence"
        ("Mortality was 10%, and the incidence was 0.2%.", {"incidence": ["10%", "0.2%"]}),
        ("Recurrence after rechallenge occurred in 17% to 30% of patients.", {"recurrence": ["17%-30%"]}),
        # a year belongs only to a history anchor ("first described"), a percentage never does
        ("NMS was first described in 1960 by Delay and colleagues.", {"history": ["1960"]}),
        ("Mortality in 1984 was 11%.", {"mortality": ["11%"]}),
        ("First described in 1960, NMS is fatal in 10% of cases.", {"history": ["1960"], "mortality": ["10%"]}),
        # a rate per 100,000: only the figure next to "per" is read, so a range keeps its upper end
        ("The incidence is 1 to 2 per 100,000 people.", {"incidence": ["1-2per100,000"]}),
        # figures with no quantity word, and quantity words with no figure
        ("Dantrolene was given at 2.5 mg/kg in 40% of cases.", {}),
        ("Mortality has fallen in recent decades.", {}),
        ("", {}),
    ],
)
def test_figures_by_facet(sentence, expected):
    assert dict(figures_by_facet(sentence)) == expected
