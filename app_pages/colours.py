"""One colour per segment number on every page, and grey for customers without a segment.

Kept apart from :mod:`app_pages.charts` (which re-exports these names) because it needs only
plotly's colour lists: importing ``plotly.express`` for the charts takes most of a second.
"""

from __future__ import annotations

from collections.abc import Mapping

from plotly.colors import qualitative

from segmentation import label_name

# One colour per segment number, on every page: segment 3 is the same colour on Features & k,
# Personas and every later chart, whatever the marketer renames it to. Customers without a
# segment ("Unassigned", "Not segmented …") are grey, a colour no segment gets.
SEGMENT_PALETTE: tuple[str, ...] = tuple(qualitative.Plotly)
NO_SEGMENT_COLOUR = "#9ca3af"
_NO_SEGMENT_PREFIXES = ("Unassigned", "Not segmented")


def segment_colour(segment: int) -> str:
    """The colour of segment number ``segment``; grey for the negative labels of customers without one."""
    if segment < 0:
        return NO_SEGMENT_COLOUR
    return SEGMENT_PALETTE[segment % len(SEGMENT_PALETTE)]


def segment_colour_map(names: Mapping[int, str]) -> dict[str, str]:
    """Segment label → colour, for plotly's ``color_discrete_map`` in any chart coloured by segment.

    ``names`` maps segment numbers to the names shown; the colour follows the number, so renaming
    a segment keeps its colour. The fallback labels pages use for an unnamed segment ("Segment 3",
    "3") and the names of customers without a segment are included, so every label on a chart
    has its colour.
    """
    colours: dict[str, str] = {}
    for segment in names:
        colours[str(segment)] = colours[f"Segment {segment}"] = segment_colour(int(segment))
    for segment, name in names.items():  # the names shown win over the fallbacks above
        colours[name] = (
            NO_SEGMENT_COLOUR if name.startswith(_NO_SEGMENT_PREFIXES) else segment_colour(int(segment))
        )
    colours.update({label_name(label, {}): NO_SEGMENT_COLOUR for label in (-1, -2)})
    return colours
