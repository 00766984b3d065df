"""A block of SVG that reports which state was clicked: the map's click-to-inspect.

Solara's ``HTML`` sends no events back, so the map goes into a small ipyvue template instead:
the browser finds the nearest element with a ``data-iso`` attribute under the click and calls
``pick`` with its code; Python passes it to ``on_pick``. The template is a string here, so the
package needs no extra data files, and it loads nothing from the network.
"""

from __future__ import annotations

from collections.abc import Callable

import ipyvuetify as v
import traitlets

TEMPLATE = """
<template>
  <div class="tb-clickable" @click="clicked" v-html="svg"></div>
</template>
<script>
module.exports = {
  methods: {
    clicked(event) {
      const el = event.target.closest ? event.target.closest('[data-iso]') : null;
      if (el) { this.pick(el.getAttribute('data-iso')); }
    }
  }
}
</script>
"""


class ClickableSvg(v.VuetifyTemplate):
    """SVG markup (``svg``) whose ``data-iso`` elements call ``on_pick(iso3)`` when clicked."""

    template = traitlets.Unicode(TEMPLATE).tag(sync=True)
    svg = traitlets.Unicode("").tag(sync=True)
    on_pick = traitlets.Any(None)

    def vue_pick(self, iso3: str) -> None:
        """Called from the browser with the clicked state's code."""
        callback: Callable[[str], None] | None = self.on_pick
        if callback is not None and isinstance(iso3, str):
            callback(iso3)
