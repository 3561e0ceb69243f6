"""The storefront's scripts come from the repository: htmx is the package `package.json`
pins, vendored unchanged (docs/storefront.md, "Without JavaScript, and with it")."""

import json
import re
from pathlib import Path

from django.conf import settings

VENDORED = Path(settings.BASE_DIR) / "static" / "vendor" / "htmx"


def test_the_vendored_htmx_is_the_pinned_package():
    version = json.loads((Path(settings.BASE_DIR) / "package.json").read_text())["devDependencies"][
        "htmx.org"
    ]
    vendored = (VENDORED / "htmx.min.js").read_bytes()
    installed = Path(settings.BASE_DIR) / "node_modules" / "htmx.org"

    assert re.fullmatch(r"\d+\.\d+\.\d+", version)  # pinned exactly
    assert f'version:"{version}"'.encode() in vendored
    assert "Zero-Clause BSD" in (VENDORED / "LICENSE").read_text()
    if installed.exists():
        assert json.loads((installed / "package.json").read_text())["version"] == version
        assert (installed / "dist" / "htmx.min.js").read_bytes() == vendored


def test_the_storefront_loads_no_script_or_stylesheet_from_elsewhere():
    templates = (Path(settings.BASE_DIR) / "storefront" / "templates").rglob("*.html")
    for template in templates:
        html = template.read_text()
        for source in re.findall(r'(?:src|href)="(https?://[^"]+)"', html):
            raise AssertionError(f"{template.name} loads {source}")
        assert " style=" not in html and "<style" not in html, template.name
        for tag in re.findall(r"<script\b[^>]*>", html):  # a file, or the request's nonce
            assert 'src="' in tag or 'nonce="{{ request.csp_nonce }}"' in tag, (template.name, tag)
