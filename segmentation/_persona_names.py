"""Segment names and suggested marketing actions, both derived from traits.

Names come from the top one or two traits that can be said in a word ("Recent big spenders",
"Lapsed low-value customers", "Frequent bargain buyers", "Young customers, mostly Online").
Actions follow a small rule table on RFM-like traits, falling back on the strongest trait.
Everything here assumes validated input.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from segmentation._persona_wording import capitalise, category_of_share_column, humanise
from segmentation._traits import Trait

UNASSIGNED_NAME = "Unassigned"
TYPICAL_NAME = "Typical customers"

# Effect sizes (standard deviations) the action rules call "clearly" and "somewhat" high/low.
CLEAR = 0.5
SOME = 0.3

ACTION_VIP = "VIP / loyalty programme: early access, no discounts needed"
ACTION_WIN_BACK = "Win-back: personal offer before they are lost"
ACTION_ONBOARDING = "Onboarding series: welcome, second-purchase incentive"
ACTION_PROMOTIONS = "Promotions and bundles: time-limited deals and multi-buy offers"
ACTION_LOW_COST = "Low-cost reactivation or suppress: cheap channels only, stop if no response"
ACTION_REACTIVATION = "Reactivation: reminder with a time-limited incentive"
ACTION_REPEAT = "Loyalty points: reward repeat purchases"
ACTION_PREMIUM = "Premium offers and loyalty programme: reward and retain"
ACTION_TYPICAL = "Regular newsletter; no special treatment needed"
ACTION_UNASSIGNED = "No segment-level action: these customers fit no segment; treat them individually"


@dataclass(frozen=True)
class _Descriptor:
    slot: int  # word order: age, time, frequency, value, other, generic
    adjective: str
    noun: str | None = None
    mostly: str | None = None


_NOUN_PRIORITY = ("spenders", "buyers")

_ROLE_WORDS: dict[str, tuple[tuple[int, str, str | None] | None, tuple[int, str, str | None] | None]] = {
    # role: (descriptor when higher than average, descriptor when lower)
    "recency": ((1, "lapsed", None), (1, "recent", None)),
    "tenure": ((1, "long-standing", None), (1, "new", None)),
    "frequency": ((2, "frequent", "buyers"), (2, "occasional", "buyers")),
    # days between purchases says "frequent" misleadingly for new customers with two orders
    "interval": (None, None),
    "money": ((3, "big", "spenders"), (3, "low-value", None)),
    "spend_score": ((3, "big", "spenders"), (3, "low-spending", None)),
    "income": ((2, "high-income", None), (2, "low-income", None)),
    "aov": ((3, "big-basket", None), (3, "small-basket", None)),
    "discount": ((3, "bargain", "buyers"), (3, "full-price", "buyers")),
    "returns_count": ((4, "high-return", None), None),
    "returns_value": ((4, "high-return", None), None),
    "variety": ((4, "wide-range", "buyers"), (4, "narrow-range", None)),
    "age": ((0, "older", None), (0, "young", None)),  # "Young big spenders"
}


def _descriptor(trait: Trait) -> _Descriptor | None:
    higher = trait.effect > 0
    if trait.kind == "categorical":
        # only a level most of the segment has makes a name ("Mostly Online"); yes/no columns do not
        share = trait.segment_value if isinstance(trait.segment_value, float) else 0.0
        if not higher or trait.role == "flag" or share < 0.5 or trait.level is None:
            return None
        short_code = len(trait.level) <= 3  # "M", "NW": say which column they come from
        return _Descriptor(
            0, "", mostly=f"{trait.level} {humanise(trait.feature)}" if short_code else trait.level
        )
    if trait.role == "share":
        return _Descriptor(4, category_of_share_column(trait.feature), "buyers") if higher else None
    words = _ROLE_WORDS.get(trait.role)
    if words is None:
        return _Descriptor(5, f"{'high' if higher else 'low'} {humanise(trait.feature)}")
    chosen = words[0] if higher else words[1]
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


def name_from_traits(traits: Sequence[Trait], *, max_descriptors: int = 2) -> str:
    """A short name from the strongest traits that can be said in a word or two."""
    descriptors: list[_Descriptor] = []
    for trait in traits:
        descriptor = _descriptor(trait)
        if descriptor is not None:
            descriptors.append(descriptor)
        if len(descriptors) == max_descriptors:
            break
    if descriptors:
        return _compose(descriptors)
    return _fallback_name(traits[0]) if traits else TYPICAL_NAME


def _fallback_name(trait: Trait) -> str:
    """A plain name from the strongest trait when no trait has a short word ("More often M gender")."""
    higher = trait.effect > 0
    if trait.kind == "categorical":
        column = humanise(trait.feature)
        what = f"with {column}" if trait.role == "flag" else f"{trait.level} {column}"
        return f"{'More often' if higher else 'Rarely'} {what}"
    subject = category_of_share_column(trait.feature) if trait.role == "share" else humanise(trait.feature)
    return capitalise(f"{'high' if higher else 'low'} {subject} customers")


def unique_names(traits_by_segment: Mapping[int, Sequence[Trait]]) -> dict[int, str]:
    """Names for every segment, unique: clashes get a third trait, then " (2)", " (3)" by segment order."""
    names = {s: name_from_traits(t) for s, t in traits_by_segment.items()}
    clashing = {name for name, count in Counter(names.values()).items() if count > 1}
    for segment, traits in traits_by_segment.items():
        if names[segment] in clashing:
            names[segment] = name_from_traits(traits, max_descriptors=3)
    seen: Counter[str] = Counter()
    for segment in sorted(names):
        seen[names[segment]] += 1
        if seen[names[segment]] > 1:
            names[segment] = f"{names[segment]} ({seen[names[segment]]})"
    return names


def _strongest_by_role(candidates: Sequence[Trait], money_col: str | None) -> dict[str, Trait]:
    by_role: dict[str, Trait] = {}
    for trait in candidates:  # strongest first, so the first of each role wins
        role = "money" if trait.role == "spend_score" else trait.role
        if trait.kind == "numeric" and role not in by_role:
            by_role[role] = trait
    if money_col is not None:
        money_trait = next((t for t in candidates if t.feature == money_col), None)
        if money_trait is not None:
            by_role["money"] = money_trait
    if "frequency" not in by_role and "interval" in by_role:
        interval = by_role["interval"]
        by_role["frequency"] = replace(interval, effect=-interval.effect)
    return by_role


def _reason(triggers: Sequence[Trait]) -> str:
    return "Based on: " + "; ".join(t.sentence for t in triggers)


def suggest_action(
    candidates: Sequence[Trait], shown: Sequence[Trait], *, money_col: str | None
) -> tuple[str, str]:
    """A suggested marketing action and the traits that triggered it.

    ``candidates`` are all traits of the segment (strongest first), ``shown`` the distinctive
    ones on its card. Rules, first match wins (effects in standard deviations): tenure ≤ −0.5
    (and not frequent) → onboarding; recency ≤ −0.3 and spend ≥ 0.5 → VIP; recency ≥ 0.5 and
    spend ≥ 0.3 → win-back; discount use ≥ 0.5, or order value ≤ −0.3 with frequency ≥ 0.5 →
    promotions; spend ≤ −0.3 with recency ≥ 0.3 or frequency ≤ −0.3 → low-cost reactivation;
    then recency ≥ 0.5 → reactivation, frequency ≥ 0.5 → loyalty points, spend ≥ 0.5 →
    premium offers; otherwise an action built on the strongest shown trait.
    """
    roles = _strongest_by_role(candidates, money_col)

    def effect(role: str) -> float:
        trait = roles.get(role)
        return trait.effect if trait is not None else 0.0

    def pick(*names: str) -> list[Trait]:
        return [roles[n] for n in names if n in roles]

    recency, money, frequency = effect("recency"), effect("money"), effect("frequency")
    if effect("tenure") <= -CLEAR and frequency < CLEAR:
        return ACTION_ONBOARDING, _reason(pick("tenure"))
    if recency <= -SOME and money >= CLEAR:
        return ACTION_VIP, _reason(pick("recency", "money"))
    if recency >= CLEAR and money >= SOME:
        return ACTION_WIN_BACK, _reason(pick("money", "recency"))
    if effect("discount") >= CLEAR:
        return ACTION_PROMOTIONS, _reason(pick("discount"))
    if effect("aov") <= -SOME and frequency >= CLEAR:
        return ACTION_PROMOTIONS, _reason(pick("aov", "frequency"))
    if money <= -SOME and (recency >= SOME or frequency <= -SOME):
        return ACTION_LOW_COST, _reason(pick("money", "recency" if recency >= SOME else "frequency"))
    if recency >= CLEAR:
        return ACTION_REACTIVATION, _reason(pick("recency"))
    if frequency >= CLEAR:
        return ACTION_REPEAT, _reason(pick("frequency"))
    if money >= CLEAR:
        return ACTION_PREMIUM, _reason(pick("money"))
    if not shown:
        return ACTION_TYPICAL, "No trait stands out from the average customer."
    return _action_from_trait(shown[0]), _reason(shown[:1])


def _action_from_trait(trait: Trait) -> str:
    if trait.kind == "categorical" and trait.effect > 0 and trait.level is not None:
        return (
            f"Tailored message: build channel and creative around {trait.level} ({humanise(trait.feature)})"
        )
    if trait.role == "share" and trait.effect > 0:
        return f"Cross-sell: new arrivals and bundles in {category_of_share_column(trait.feature)}"
    return f"Test a tailored message built around this trait: {trait.sentence}"
