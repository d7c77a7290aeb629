"""Segment names and suggested marketing actions, derived from traits and checked against the numbers.

Names come from the top one or two traits that can be said in a word ("Recent big spenders",
"Lapsed low-value customers", "Frequent bargain buyers", "Young customers, mostly Online").
Every word a name or an action rests on is a *qualifier* in :data:`QUALIFIERS`, with the
condition the segment's numbers must meet against all customers for the word to be said:

* "new": tenure clearly below average (effect ≤ −0.5, median and mean both lower);
* "lapsed": recency clearly above average, frequency not above average, tenure not below;
* "at-risk": recency clearly above average while frequency or spend is above, tenure not
  below (good customers gone quiet);
* "frequent" / "occasional", "big" / "low-value", "recent", "long-standing" ...: the column
  differs in that direction (effect ≥ 0.2 and mean and median agree).

A word whose condition fails is not used, so a name never contradicts its numbers. Money words
("big spenders", "low-value") come only from a money column (role "money"); files without one
speak of items. Actions follow a small rule table on the same checks, so an onboarding series
goes only to new customers and a win-back only to lapsed ones. Assumes validated input.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from segmentation.personas.traits import MIN_EFFECT, ColumnFacts, Trait
from segmentation.personas.wording import capitalise, category_of_share_column, readable_label

TYPICAL_NAME = "Typical customers"
#: Name of a segment whose traits have no word that holds in its numbers.
MIXED_NAME = "Mixed customers"

# Effect sizes (standard deviations) the rules call "clearly" and "somewhat" high/low.
CLEAR = 0.5
SOME = 0.3
# With equal medians (1 order vs 1), means this far apart (share of the overall mean) still count.
_MEANS_APART = 0.15
_MEDIANS_APART = 0.05
_CLEAR_RATIO = 1.5

ACTION_VIP = "VIP / loyalty programme: early access, no discounts needed"
ACTION_WIN_BACK = "Win-back: personal offer before they are lost"
ACTION_ONBOARDING = "Onboarding series: welcome, second-purchase incentive"
ACTION_PROMOTIONS = "Promotions and bundles: time-limited deals and multi-buy offers"
ACTION_LOW_COST = "Low-cost reactivation or suppress: cheap channels only, stop if no response"
ACTION_REACTIVATION = "Win-back reminder: a time-limited incentive to come back"
ACTION_REPEAT = "Loyalty points: reward repeat purchases"
ACTION_PREMIUM = "Premium offers and loyalty programme: reward and retain"
ACTION_TYPICAL = "Regular newsletter; no special treatment needed"
ACTION_UNASSIGNED = "No segment-level action: these customers fit no segment; treat them individually"
#: The actions meant for lapsed or at-risk customers, and only for them.
WIN_BACK_ACTIONS = frozenset({ACTION_WIN_BACK, ACTION_REACTIVATION})

Direction = Literal["higher", "lower", "not_higher", "not_lower"]


@dataclass(frozen=True)
class Requirement:
    """A condition on the columns of some roles: ``direction`` against all customers.

    ``higher``/``lower`` need one column of the roles to differ that way (``clear``: effect at
    least 0.5 instead of 0.2); ``not_higher``/``not_lower`` need no column above/below average
    (``strict``: by its mean at all; otherwise: not by a difference a name could state).
    """

    roles: tuple[str, ...]
    direction: Direction
    clear: bool = False
    strict: bool = True


def _needs(roles: str, direction: Direction, *, clear: bool = False, strict: bool = True) -> Requirement:
    return Requirement(tuple(roles.split("|")), direction, clear, strict)


#: Every qualifier a name or action may use, and what must hold for it: the one place the words
#: of personas are tied to numbers.
QUALIFIERS: Mapping[str, tuple[Requirement, ...]] = {
    "new": (_needs("tenure", "lower", clear=True),),
    "long-standing": (_needs("tenure", "higher"),),
    "recent": (_needs("recency", "lower"),),
    "lapsed": (
        _needs("recency", "higher", clear=True),
        _needs("frequency", "not_higher"),
        _needs("tenure", "not_lower", strict=False),
    ),
    "at-risk": (
        _needs("recency", "higher", clear=True),
        _needs("frequency|money", "higher"),
        _needs("tenure", "not_lower", strict=False),
    ),
    "frequent": (_needs("frequency", "higher"),),
    "occasional": (_needs("frequency", "lower"),),
    "big": (_needs("money", "higher"),),
    "low-value": (_needs("money", "lower"),),
    "high spending-score": (_needs("spend_score", "higher"),),
    "low spending-score": (_needs("spend_score", "lower"),),
    "high-income": (_needs("income", "higher"),),
    "low-income": (_needs("income", "lower"),),
    "big-basket": (_needs("aov|basket_items", "higher"),),
    "small-basket": (_needs("aov|basket_items", "lower"),),
    "high-volume": (_needs("items", "higher"),),
    "light": (_needs("items", "lower"),),
    "bargain": (_needs("discount", "higher"),),
    "full-price": (_needs("discount", "lower"),),
    "high-return": (_needs("returns_count|returns_value", "higher"),),
    "wide-range": (_needs("variety", "higher"),),
    "narrow-range": (_needs("variety", "lower"),),
    "older": (_needs("age", "higher"),),
    "young": (_needs("age", "lower"),),
}

_Word = tuple[int, str, str | None]  # (slot, qualifier, noun)
# role: (word when higher than average, word when lower); slots order the words:
# age, time, frequency, value, other, generic
_ROLE_WORDS: dict[str, tuple[_Word | None, _Word | None]] = {
    "recency": ((1, "lapsed", None), (1, "recent", None)),  # or "at-risk", see _ALTERNATIVES
    "tenure": ((1, "long-standing", None), (1, "new", None)),
    "frequency": ((2, "frequent", "buyers"), (2, "occasional", "buyers")),
    # more days between purchases: occasional; checked on every frequency column, so new
    # customers with two quick orders are not called "frequent"
    "interval": ((2, "occasional", "buyers"), (2, "frequent", "buyers")),
    "money": ((3, "big", "spenders"), (3, "low-value", None)),
    "spend_score": ((3, "high spending-score", None), (3, "low spending-score", None)),
    "income": ((2, "high-income", None), (2, "low-income", None)),
    "aov": ((3, "big-basket", None), (3, "small-basket", None)),
    "basket_items": ((3, "big-basket", None), (3, "small-basket", None)),
    "items": ((3, "high-volume", "buyers"), (3, "light", "buyers")),
    "discount": ((3, "bargain", "buyers"), (3, "full-price", "buyers")),
    "returns_count": ((4, "high-return", None), None),
    "returns_value": ((4, "high-return", None), None),
    "variety": ((4, "wide-range", "buyers"), (4, "narrow-range", None)),
    "age": ((0, "older", None), (0, "young", None)),  # "Young big spenders"
}


# ---------------------------------------------------------------------------------------------
# The checks
# ---------------------------------------------------------------------------------------------
def _differs(
    facts: ColumnFacts, direction: Direction, *, clear: bool, sign: float, ratio: bool = True
) -> bool:
    """The column (times ``sign``) is higher or lower for the segment: effect, median and mean agree.

    Medians must differ that way too, by at least 5%, or be equal (counts: 1 order vs 1) with
    means apart by at least 15%; "clear" differences need an effect of 0.5 and (with ``ratio``)
    medians 1.5× apart: a "new" segment's median tenure is at most two thirds of everyone's.
    """
    effect = sign * facts.effect
    medians = sign * (facts.segment_median - facts.overall_median)
    means = sign * (facts.segment_mean - facts.overall_mean)
    if direction == "lower":
        effect, medians, means = -effect, -medians, -means
    if not (effect >= (CLEAR if clear else MIN_EFFECT) and means > 0):
        return False
    low, high = sorted((abs(facts.segment_median), abs(facts.overall_median)))
    if clear and ratio:
        return medians > 0 and high >= _CLEAR_RATIO * low
    if medians > 0:
        return high - low >= _MEDIANS_APART * high
    apart = abs(facts.segment_mean - facts.overall_mean) >= _MEANS_APART * abs(facts.overall_mean)
    return medians == 0 and apart


def _above(facts: ColumnFacts, *, sign: float) -> bool:
    return sign * (facts.segment_mean - facts.overall_mean) > 0


def _columns(roles: tuple[str, ...], facts: Mapping[str, ColumnFacts]) -> Iterator[tuple[ColumnFacts, float]]:
    """Columns of ``roles`` with the sign that turns them into the role (days between purchases: −)."""
    for column in facts.values():
        if column.role in roles:
            yield column, 1.0
        elif column.role == "interval" and "frequency" in roles:
            yield column, -1.0


def requirement_holds(
    requirement: Requirement,
    facts: Mapping[str, ColumnFacts],
    *,
    column: str | None = None,
    ratio: bool = True,
) -> bool:
    """Whether the segment's numbers meet ``requirement``.

    With ``column`` (the trait a word comes from), a requirement on that column's role is checked
    on that column alone; others on every column of their roles.
    """
    own = facts.get(column) if column is not None else None
    if own is not None and own.role in requirement.roles:
        candidates = [(own, 1.0)]
    else:
        candidates = list(_columns(requirement.roles, facts))
    direction = requirement.direction
    if direction in ("not_higher", "not_lower"):
        against: Direction = "higher" if direction == "not_higher" else "lower"
        if requirement.strict:
            return not any(_above(c, sign=s if against == "higher" else -s) for c, s in candidates)
        return not any(_differs(c, against, clear=False, sign=s) for c, s in candidates)
    opposite: Direction = "lower" if direction == "higher" else "higher"
    # one column says it, and no column of the role says the opposite (2 orders, yet "frequent")
    return any(
        _differs(c, direction, clear=requirement.clear, sign=s, ratio=ratio) for c, s in candidates
    ) and not any(_differs(c, opposite, clear=False, sign=s) for c, s in _columns(requirement.roles, facts))


def qualifier_holds(word: str, facts: Mapping[str, ColumnFacts], *, column: str | None = None) -> bool:
    """Whether the qualifier ``word`` (a key of :data:`QUALIFIERS`) is true of the segment."""
    return all(requirement_holds(r, facts, column=column) for r in QUALIFIERS[word])


def _clearly(roles: str, direction: Direction, facts: Mapping[str, ColumnFacts]) -> bool:
    """Effect of at least 0.5 that median and mean agree with (no ratio needed: actions only)."""
    return requirement_holds(_needs(roles, direction, clear=True), facts, ratio=False)


# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Descriptor:
    slot: int
    adjective: str
    noun: str | None = None
    mostly: str | None = None


_NOUN_PRIORITY = ("spenders", "buyers")


# A word that fails its check may give way to another that says the same side honestly.
_ALTERNATIVES: dict[str, _Word] = {"lapsed": (1, "at-risk", None)}


def _own_direction_holds(trait: Trait, facts: Mapping[str, ColumnFacts]) -> bool:
    """A numeric trait's own column really is higher (or lower) for the segment."""
    own = facts.get(trait.feature)
    direction: Direction = "higher" if trait.effect > 0 else "lower"
    return own is not None and _differs(own, direction, clear=False, sign=1.0)


def _descriptor(trait: Trait, facts: Mapping[str, ColumnFacts]) -> _Descriptor | None:
    higher = trait.effect > 0
    if trait.kind == "categorical":
        # only a level most of the segment has makes a name ("Mostly Online"); yes/no columns do not
        share = trait.segment_value if isinstance(trait.segment_value, float) else 0.0
        if not higher or trait.role == "flag" or share < 0.5 or trait.level is None:
            return None
        short_code = len(trait.level) <= 3  # "M", "NW": say which column they come from
        return _Descriptor(
            0, "", mostly=f"{trait.level} {readable_label(trait.feature)}" if short_code else trait.level
        )
    if not _own_direction_holds(trait, facts):
        return None
    if trait.role == "share":
        return _Descriptor(4, category_of_share_column(trait.feature), "buyers") if higher else None
    words = _ROLE_WORDS.get(trait.role)
    if words is None:
        return _Descriptor(5, f"{'high' if higher else 'low'} {readable_label(trait.feature)}")
    chosen = words[0] if higher else words[1]
    while chosen is not None and not qualifier_holds(chosen[1], facts, column=trait.feature):
        chosen = _ALTERNATIVES.get(chosen[1])
    return None if chosen is None else _Descriptor(chosen[0], chosen[1], chosen[2])


def _compose(descriptors: Sequence[_Descriptor]) -> str:
    described = [d for d in descriptors if d.mostly is None]
    levels = [d.mostly for d in descriptors if d.mostly is not None]
    adjectives: list[str] = []
    for descriptor in sorted(described, key=lambda d: d.slot):
        if descriptor.adjective not in adjectives:
            adjectives.append(descriptor.adjective)
    if "new" in adjectives and "recent" in adjectives:
        adjectives.remove("recent")  # new customers are recent by definition
    if not adjectives:
        return "Mostly " + ", ".join(str(level) for level in levels)
    nouns = {d.noun for d in described}
    noun = next((n for n in _NOUN_PRIORITY if n in nouns), "customers")
    joiner = ", " if len(adjectives) > 1 and any(" " in a for a in adjectives) else " "
    name = f"{joiner.join(adjectives)} {noun}"
    if levels:
        name += ", mostly " + ", ".join(str(level) for level in levels)
    return capitalise(name)


def name_from_traits(
    traits: Sequence[Trait], facts: Mapping[str, ColumnFacts], *, max_descriptors: int = 2
) -> str:
    """A short name from the strongest traits whose words hold in the segment's numbers."""
    descriptors: list[_Descriptor] = []
    for trait in traits:
        descriptor = _descriptor(trait, facts)
        if descriptor is not None:
            descriptors.append(descriptor)
        if len(descriptors) == max_descriptors:
            break
    if descriptors:
        return _compose(descriptors)
    return _fallback_name(traits[0], facts) if traits else TYPICAL_NAME


def _fallback_name(trait: Trait, facts: Mapping[str, ColumnFacts]) -> str:
    """A plain name from the strongest trait when no trait has a short word ("More often M gender")."""
    higher = trait.effect > 0
    if trait.kind == "categorical":
        column = readable_label(trait.feature)
        what = f"with {column}" if trait.role == "flag" else f"{trait.level} {column}"
        return f"{'More often' if higher else 'Rarely'} {what}"
    if not _own_direction_holds(trait, facts):
        return MIXED_NAME
    subject = (
        category_of_share_column(trait.feature) if trait.role == "share" else readable_label(trait.feature)
    )
    return capitalise(f"{'high' if higher else 'low'} {subject} customers")


def unique_names(
    traits_by_segment: Mapping[int, Sequence[Trait]],
    facts_by_segment: Mapping[int, Mapping[str, ColumnFacts]],
) -> dict[int, str]:
    """Names for every segment, unique: clashes get a third trait, then " (2)", " (3)" by segment order."""
    names = {s: name_from_traits(t, facts_by_segment[s]) for s, t in traits_by_segment.items()}
    clashing = {name for name, count in Counter(names.values()).items() if count > 1}
    for segment, traits in traits_by_segment.items():
        if names[segment] in clashing:
            names[segment] = name_from_traits(traits, facts_by_segment[segment], max_descriptors=3)
    seen: Counter[str] = Counter()
    for segment in sorted(names):
        seen[names[segment]] += 1
        if seen[names[segment]] > 1:
            names[segment] = f"{names[segment]} ({seen[names[segment]]})"
    return names


# ---------------------------------------------------------------------------------------------
# Actions
# ---------------------------------------------------------------------------------------------
def _reason(candidates: Sequence[Trait], *roles: str) -> str:
    """ "Based on: " and the sentences of the strongest trait of each role."""
    triggers: list[Trait] = []
    for role in roles:
        trait = next((t for t in candidates if t.kind == "numeric" and t.role in role.split("|")), None)
        if trait is not None and trait not in triggers:
            triggers.append(trait)
    return "Based on: " + "; ".join(t.sentence for t in triggers)


def suggest_action(
    candidates: Sequence[Trait], shown: Sequence[Trait], facts: Mapping[str, ColumnFacts]
) -> tuple[str, str]:
    """A suggested marketing action and the traits that triggered it.

    ``candidates`` are all traits of the segment (strongest first), ``shown`` the distinctive
    ones on its card, ``facts`` its numbers per column. Rules, first match wins, each resting on
    the :data:`QUALIFIERS` checks ("clearly": effect ≥ 0.5): new → onboarding; lapsed → win-back
    (low-value: low-cost reactivation; big: personal offer; else a reminder); at-risk → win-back
    with a personal offer; recent and clearly
    big or frequent → VIP; clearly more discount use, or smaller orders while clearly frequent →
    promotions; low-value and occasional → low-cost reactivation; clearly frequent → loyalty
    points; clearly big → premium offers; otherwise an action built on the strongest shown trait.
    """
    if qualifier_holds("new", facts):
        return ACTION_ONBOARDING, _reason(candidates, "tenure")
    if qualifier_holds("lapsed", facts):
        if qualifier_holds("low-value", facts):
            return ACTION_LOW_COST, _reason(candidates, "money", "recency")
        if qualifier_holds("big", facts):
            return ACTION_WIN_BACK, _reason(candidates, "money", "recency")
        return ACTION_REACTIVATION, _reason(candidates, "recency", "frequency")
    if qualifier_holds("at-risk", facts):
        return ACTION_WIN_BACK, _reason(candidates, "money|frequency", "recency")
    recent = qualifier_holds("recent", facts)
    if recent and _clearly("money", "higher", facts):
        return ACTION_VIP, _reason(candidates, "recency", "money")
    if recent and _clearly("frequency", "higher", facts):
        return ACTION_VIP, _reason(candidates, "recency", "frequency")
    if _clearly("discount", "higher", facts):
        return ACTION_PROMOTIONS, _reason(candidates, "discount")
    if qualifier_holds("small-basket", facts) and _clearly("frequency", "higher", facts):
        return ACTION_PROMOTIONS, _reason(candidates, "aov|basket_items", "frequency")
    if qualifier_holds("low-value", facts) and qualifier_holds("occasional", facts):
        return ACTION_LOW_COST, _reason(candidates, "money", "frequency")
    if _clearly("frequency", "higher", facts):
        return ACTION_REPEAT, _reason(candidates, "frequency")
    if _clearly("money", "higher", facts):
        return ACTION_PREMIUM, _reason(candidates, "money")
    if not shown:
        return ACTION_TYPICAL, "No trait stands out from the average customer."
    return _action_from_trait(shown[0]), "Based on: " + shown[0].sentence


def _action_from_trait(trait: Trait) -> str:
    if trait.kind == "categorical" and trait.effect > 0 and trait.level is not None:
        return (
            "Tailored message: build channel and creative around "
            f"{trait.level} ({readable_label(trait.feature)})"
        )
    if trait.role == "share" and trait.effect > 0:
        return f"Cross-sell: new arrivals and bundles in {category_of_share_column(trait.feature)}"
    return f"Test a tailored message built around this trait: {trait.sentence}"
