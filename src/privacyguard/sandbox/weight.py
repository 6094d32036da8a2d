"""Pages built by script, and pages that weigh what real ones weigh (variant `behaviour: render:`).

Real settings pages are single-page apps: the server sends a shell, megabytes of script build the
DOM after load, and images, web fonts and analytics beacons come along. Two variant behaviours
make sandbox pages like that, for any platform and page, without touching a template:

- `render: on-frame`: the page's whole body arrives inert (in a <template>) and a script puts it
  in place on the next animation frame (`requestAnimationFrame`), then runs the page's scripts.
  A reader that looks before that frame finds nothing.
- `render: heavy`: the same, after two blocking script bundles of `weight.script_kb` each have
  been downloaded, parsed and run; the rendered page also shows `weight.images` images, uses
  `weight.fonts` web fonts and sends `weight.beacons` analytics beacons. Assets are served by the
  sandbox under ASSET_PATH on the platform's own host.

docs/fixtures.md documents the keys; collect/blocking.py is what a read-only run does about them.
"""

from __future__ import annotations

import functools
import json
import random
import struct
import zlib
from typing import Any
from urllib.parse import urlsplit

from privacyguard.sandbox.fixtures import Variant

ASSET_PATH = "/pg-static/"
DEFAULTS = {"script_kb": 1024, "scripts": 2, "images": 16, "image_px": 160, "fonts": 3, "font_kb": 96,
            "beacons": 4}

_RENDER = """<script>
(() => {
  function render() {
    const template = document.getElementById('pg-app-template');
    const holder = document.getElementById('pg-app');
    if (!template || !holder) return;
    const content = template.content.cloneNode(true);
    const scripts = Array.from(content.querySelectorAll('script'));
    holder.replaceWith(content);
    template.remove();
    for (const old of scripts) {  // scripts from a template are inert: run each once, in order
      const fresh = document.createElement('script');
      fresh.textContent = old.textContent;
      old.replaceWith(fresh);
    }
    __AFTER__
  }
  __TRIGGER__
})();
</script>"""


def mode(variant: Variant) -> str | None:
    value = getattr(variant.behaviour, "render", None)
    return value if value in ("on-frame", "heavy") else None


def settings(variant: Variant) -> dict[str, int]:
    given = getattr(variant.behaviour, "weight", None) or {}
    return {key: int(given.get(key, default)) for key, default in DEFAULTS.items()}


def apply(body: str, variant: Variant, url: str) -> str:
    """The page as a script-built app (unchanged unless the variant asks for it)."""
    how = mode(variant)
    if how is None:
        return body
    lower = body.lower()
    start, end = lower.find("<body"), lower.rfind("</body>")
    if start < 0 or end < 0:
        return body
    start = lower.index(">", start) + 1
    inner = body[start:end]
    trigger = "requestAnimationFrame(render);"
    head = ""
    after = ""
    if how == "heavy":
        weight = settings(variant)
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
        head = "".join(f'<script src="{origin}{ASSET_PATH}bundle-{i}.js"></script>' for i in range(weight["scripts"]))
        faces = "".join(f"@font-face {{ font-family: pg-font-{i}; src: url({origin}{ASSET_PATH}font-{i}.woff2) "
                        f"format('woff2'); }}" for i in range(weight["fonts"]))
        families = ", ".join(f"pg-font-{i}" for i in range(weight["fonts"]))
        head += f"<style>{faces} body, main, h1, h2, label {{ font-family: {families}, sans-serif; }}</style>"
        images = "".join(f'<img src="{origin}{ASSET_PATH}image-{i}.png" alt="" width="{weight["image_px"]}" '
                         f'height="{weight["image_px"]}" loading="eager">' for i in range(weight["images"]))
        inner = inner + f'<aside class="pg-media">{images}</aside>'
        beacons = json.dumps([f"{origin}{ASSET_PATH}beacon?event=e{i}" for i in range(weight["beacons"])])
        after = (f"for (const b of {beacons}) navigator.sendBeacon(b, JSON.stringify({{t: Date.now()}}));"
                 f"new Image().src = {json.dumps(origin + ASSET_PATH + 'pixel.gif')};")
        trigger = "document.addEventListener('DOMContentLoaded', () => requestAnimationFrame(render));"
    script = _RENDER.replace("__AFTER__", after).replace("__TRIGGER__", trigger)
    shell = f'<div id="pg-app"></div><template id="pg-app-template">{inner}</template>{script}'
    page = body[:start] + shell + body[end:]
    head_end = page.lower().find("</head>")
    return page if not head or head_end < 0 else page[:head_end] + head + page[head_end:]


def is_asset(url: str) -> bool:
    return urlsplit(url).path.startswith(ASSET_PATH)


def asset(variant: Variant, url: str) -> dict[str, Any]:
    """An asset of a heavy page, as a route answer."""
    weight = settings(variant)
    name = urlsplit(url).path[len(ASSET_PATH):]
    cache = {"cache-control": "public, max-age=31536000"}
    if name.startswith("bundle-") and name.endswith(".js"):
        return {"status": 200, "content_type": "application/javascript", "headers": cache,
                "body": _bundle(name, weight["script_kb"])}
    if name.startswith("image-") and name.endswith(".png"):
        return {"status": 200, "content_type": "image/png", "headers": cache, "body": _png(name, weight["image_px"])}
    if name.startswith("font-") and name.endswith(".woff2"):
        return {"status": 200, "content_type": "font/woff2", "headers": cache, "body": _noise(name, weight["font_kb"])}
    if name.startswith("beacon") or name == "pixel.gif":
        return {"status": 204, "body": ""}
    return {"status": 404, "content_type": "text/plain", "body": "no such asset"}


@functools.cache
def _bundle(name: str, kb: int) -> str:
    """About `kb` KB of script that defines many functions (as a bundler's output does) and runs some."""
    rng = random.Random(name)
    parts = ["(function(){var m={};window.__pgBundles=(window.__pgBundles||0)+1;"]
    size, index = 0, 0
    while size < kb * 1024:
        text = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz ") for _ in range(120))
        part = (f"m.f{index}=function(a,b){{var s={json.dumps(text)};var o={{k:a,v:b,n:s.length}};"
                f"for(var i=0;i<(a|0);i++){{o.n+=s.charCodeAt(i%s.length);}}return o;}};")
        parts.append(part)
        size += len(part)
        index += 1
    parts.append("var t=0;for(var k in m){if(k.length%3===0){t+=m[k](20,k).n;}}window.__pgWork=t;})();")
    return "".join(parts)


@functools.cache
def _png(name: str, px: int) -> bytes:
    """A valid PNG of noise (does not compress: real photos weigh about this much)."""
    rng = random.Random(name)
    rows = b"".join(b"\x00" + rng.randbytes(px * 3) for _ in range(px))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", px, px, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 1)) + chunk(b"IEND", b"")


@functools.cache
def _noise(name: str, kb: int) -> bytes:
    return random.Random(name).randbytes(kb * 1024)
