"""One colour per institution and per alignment, shared by the browser app and the figures.

Okabe-Ito and Paul Tol colours, chosen to stay apart for colour-blind readers; paired with
hatches or markers where figures must also read in greyscale.
"""

from __future__ import annotations

INSTITUTION_COLORS = {
    "US_FTA": "#0072B2",  # blue
    "NAFTA": "#56B4E9",  # sky blue
    "CAFTA_DR": "#88CCEE",  # cyan
    "FTAA": "#BBBBBB",  # light grey
    "TPP": "#009E73",  # bluish green
    "ATPDEA": "#CC79A7",  # reddish purple
    "CAN": "#999933",  # olive
    "MERCOSUR": "#DDAA33",  # ochre (Tol high-contrast yellow)
    "ALBA": "#BB5566",  # rose red (Tol high-contrast red)
    "UNASUR": "#8C6D31",  # brown
    "CELAC": "#44AA99",  # teal
    "PACIFIC_ALLIANCE": "#332288",  # indigo
}

ALIGNMENT_COLORS = {
    "us_fta": "#0072B2",
    "us_fta_pending": "#56B4E9",
    "alba": "#BB5566",
    "mercosur": "#DDAA33",
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
