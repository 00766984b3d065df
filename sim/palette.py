"""One colour per institution and per alignment, shared by the browser app and the figures.

Okabe-Ito colours: distinguishable by colour-blind readers; paired with hatches or markers
where figures must also read in greyscale.
"""

from __future__ import annotations

INSTITUTION_COLORS = {
    "US_FTA": "#0072B2",  # blue
    "NAFTA": "#56B4E9",  # sky blue
    "CAFTA_DR": "#56B4E9",
    "FTAA": "#999999",  # grey
    "TPP": "#009E73",  # bluish green
    "ATPDEA": "#CC79A7",  # reddish purple
    "CAN": "#F0E442",  # yellow
    "MERCOSUR": "#E69F00",  # orange
    "ALBA": "#D55E00",  # vermillion
    "UNASUR": "#8C6D31",  # brown
    "CELAC": "#7F7F7F",  # mid grey
    "PACIFIC_ALLIANCE": "#332288",  # indigo
}

ALIGNMENT_COLORS = {
    "us_fta": "#0072B2",
    "us_fta_pending": "#56B4E9",
    "alba": "#D55E00",
    "mercosur": "#E69F00",
    "none": "#DDDDDD",
}

ALIGNMENT_LABELS = {
    "us_fta": "US free trade agreement in force",
    "us_fta_pending": "US agreement negotiating or signed",
    "alba": "ALBA member",
    "mercosur": "Mercosur member",
    "none": "none of these",
}

#: hatches for greyscale reading, by alignment
ALIGNMENT_HATCHES = {
    "us_fta": "",
    "us_fta_pending": "//",
    "alba": "xx",
    "mercosur": "..",
    "none": "",
}
