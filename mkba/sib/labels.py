"""How a contract's parties, outcomes, cohorts and parts are shown to readers: their own labels.

What lives here: :func:`party_label` (a payer, investor, provider, guarantor: the investor's or
provider's ``label`` in the contract, else the stakeholder's ``label`` in the scenario, ``label_en`` in
English), :func:`outcome_label`, :func:`cohort_label` and :func:`part_label` (the part of a contract a
path such as ``sib.investors[0]`` points to). The terminal (:mod:`mkba.cli.sib`) and the HTML report
(:mod:`mkba.report.html.sib`) both use them, so that a reader sees the same names in both.
:func:`no_break_even` says why a contract has no break-even level: for readers (through
:func:`mkba.report.vocabulary.break_even_words`) and for the JSON's ``reason``, from one wording.

An id is shown only when nothing else names the thing; a cohort's id is shown with spaces for dashes.

Imports: nothing of mkba (it reads the contract and the scenario's stakeholders by attribute).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any


def _stakeholder(stakeholders: Mapping[str, Any], name: str, lang: str) -> str | None:
    spec = stakeholders.get(name)
    if spec is None:
        return None
    if lang == "en":
        return getattr(spec, "label_en", None) or getattr(spec, "label", None)
    return getattr(spec, "label", None)


def party_label(contract: Any, stakeholders: Mapping[str, Any], name: str, lang: str = "nl") -> str:
    """A party of the contract as its label: an investor's or the provider's own, else the stakeholder's.

    Parameters
    ----------
    contract : mkba.scenario.contract.SibContract or None
        The contract (its investors and provider may carry a ``label``).
    stakeholders : mapping of str to stakeholder
        The scenario's stakeholders (``label``, ``label_en``).
    name : str
        The party's id (a stakeholder or an investor id).
    lang : {'nl', 'en'}
        Language: a stakeholder's ``label_en`` is used in English when given.

    Returns
    -------
    str
        The label, or ``name`` itself when nothing labels it.

    Examples
    --------
    >>> party_label(None, {}, "gemeente")
    'gemeente'
    """
    if contract is not None:
        for investor in contract.investors:
            if investor.id == name:
                shown = getattr(investor, "label_en", None) if lang == "en" else None
                if shown or investor.label:
                    return str(shown or investor.label)
                break
        provider = contract.provider
        if provider is not None and provider.name == name and provider.label:
            return str(provider.label)
    return _stakeholder(stakeholders, name, lang) or name


def outcome_label(contract: Any, oid: str) -> str:
    """An outcome as its label in the contract, else its id.

    Examples
    --------
    >>> outcome_label(None, "uitkeringsdagen")
    'uitkeringsdagen'
    """
    for o in contract.outcomes if contract is not None else []:
        if o.id == oid and o.label:
            return str(o.label)
    return oid


def cohort_label(contract: Any, cid: str) -> str:
    """A cohort as its label in the contract, else its id with spaces for dashes (``cohort 2012``).

    Examples
    --------
    >>> cohort_label(None, "cohort-2012")
    'cohort 2012'
    """
    for c in contract.cohorts if contract is not None else []:
        if c.id == cid and c.label:
            return str(c.label)
    return cid.replace("-", " ").replace("_", " ")


_STEP = re.compile(r"\.?([A-Za-z_]+)(?:\[(\d+)\])?")


def part_label(contract: Any, stakeholders: Mapping[str, Any], path: str, lang: str = "nl") -> str | None:
    """The label of the part of ``contract`` at ``path`` (``sib``, ``sib.investors[0]``, ...).

    Parameters
    ----------
    contract : mkba.scenario.contract.SibContract
        The contract.
    stakeholders : mapping of str to stakeholder
        The scenario's stakeholders (for parties without a label of their own).
    path : str
        A path as :func:`mkba.sib.model.assumptions` gives it.
    lang : {'nl', 'en'}
        Language of stakeholder labels.

    Returns
    -------
    str or None
        The label of the deepest part on the path that names itself (a party as :func:`party_label`,
        a cohort as :func:`cohort_label`, another part by its ``label`` or id); the contract's ``name``
        for ``sib`` itself and for parts without a name (a rule); None when nothing names it.
    """
    node: Any = contract
    best = getattr(contract, "name", None) or getattr(contract, "label", None)
    steps = _STEP.findall(path)
    for field, index in steps[1:] if steps and steps[0][0] == "sib" else steps:
        node = getattr(node, field, None)
        if index and isinstance(node, list):
            node = node[int(index)] if int(index) < len(node) else None
        if node is None or isinstance(node, list):
            break
        best = _own_label(contract, stakeholders, field, node, lang) or best
    return best


def _own_label(
    contract: Any, stakeholders: Mapping[str, Any], field: str, node: Any, lang: str
) -> str | None:
    """What names one part of a contract, found under ``field``."""
    if field == "investors":
        return party_label(contract, stakeholders, node.id, lang)
    if field == "provider":
        return party_label(contract, stakeholders, node.name, lang)
    if field == "cohorts":
        return cohort_label(contract, node.id)
    if field == "guarantees":
        return node.label or party_label(contract, stakeholders, node.guarantor, lang)
    value = getattr(node, "label", None) or getattr(node, "id", None)
    return value if isinstance(value, str) and value else None


#: Why there is no break-even level, per whose (``payer``, ``investors``) and the code of
#: :meth:`mkba.sib.model.SibModel.break_even_why`, (Dutch, English), the levels as ``{top}`` (the highest
#: searched) and ``{up_to}``: the one wording of the terminal, the report, the workbook and the JSON.
NO_BREAK_EVEN: dict[tuple[str, str], tuple[str, str]] = {
    ("payer", "always"): (
        "de betaler bespaart bij elk niveau minstens wat hij betaalt",
        "the payer saves at least what it pays at every level",
    ),
    ("payer", "never"): (
        "de betaler betaalt bij elk niveau tot {top} meer dan hij bespaart",
        "the payer pays more than it saves at every level up to {top}",
    ),
    ("payer", "up_to"): (
        "de betaler bespaart minstens wat hij betaalt tot niveau {up_to}, daarboven niet",
        "the payer saves at least what it pays up to level {up_to}, not above it",
    ),
    ("investors", "always"): (
        "investeerders krijgen bij elk niveau hun geld terug",
        "investors get their money back at every level",
    ),
    ("investors", "never"): (
        "investeerders krijgen bij geen niveau tot {top} hun geld terug",
        "investors do not get their money back at any level up to {top}",
    ),
    ("investors", "up_to"): (
        "investeerders krijgen hun geld terug tot niveau {up_to}, daarboven niet",
        "investors get their money back up to level {up_to}, not above it",
    ),
}

#: What stands in for the level, (Dutch, English, the JSON's): before the words for a reader
#: (``geen: ...``), after them in the JSON (``... (none)``), as the JSON has always written it.
NO_LEVEL: dict[str, tuple[str, str, str]] = {
    "always": ("geen", "none needed", "none needed"),
    "never": ("geen", "none", "none"),
    "up_to": ("geen", "none", "none from a level on"),
}

#: A contract without investors has no investors' break-even, (Dutch, English).
NO_INVESTORS = ("het contract heeft geen investeerders", "the contract has no investors")


def _plain(x: float | None, decimals: int) -> str:
    """A level as the JSON writes it in words: ``800``, ``3.5``."""
    return f"{x:g}" if x is not None else "?"


def no_break_even(
    who: str,
    why: str,
    lang: str = "nl",
    *,
    top: float | None = None,
    up_to: float | None = None,
    number: Callable[[float | None, int], str] | None = None,
    json: bool = False,
) -> str:
    """Why ``who`` has no break-even level, in words (:data:`NO_BREAK_EVEN`); ``""`` when there is one.

    Parameters
    ----------
    who : {'payer', 'investors'}
        Whose break-even.
    why : str
        The code of :meth:`mkba.sib.model.SibModel.break_even_why`: ``""``, ``"always"``, ``"never"``,
        ``"up_to"`` or ``"no_investors"``.
    lang : {'nl', 'en'}
        Dutch (the default) or English; the JSON's words are English.
    top, up_to : float, optional
        The highest level searched; with ``why`` ``"up_to"`` the highest level at which ``who`` still
        breaks even (the outcome's unit).
    number : callable, optional
        Writes a level, ``number(x, decimals)`` (``top`` whole, ``up_to`` to two decimals): the reader's
        notation (:func:`mkba.report.numbers.number`); plain (``800``, ``3.5``) by default.
    json : bool
        The JSON's ``reason`` (English, what stands in for the level after the words) instead of the
        reader's (what stands in for the level first: ``geen: ...``).

    Returns
    -------
    str

    Examples
    --------
    >>> no_break_even("payer", "never", top=800)
    'geen: de betaler betaalt bij elk niveau tot 800 meer dan hij bespaart'
    >>> no_break_even("investors", "always", "en")
    'none needed: investors get their money back at every level'
    >>> no_break_even("payer", "never", top=800, json=True)
    'the payer pays more than it saves at every level up to 800 (none)'
    """
    if not why:
        return ""
    english = json or lang == "en"
    if why == "no_investors":
        return NO_INVESTORS[1 if english else 0]
    write = number or _plain
    words = NO_BREAK_EVEN[(who, why)][1 if english else 0]
    words = words.format(top=write(top, 0), up_to=write(up_to, 2))
    nl, en, in_json = NO_LEVEL[why]
    return f"{words} ({in_json})" if json else f"{en if english else nl}: {words}"
