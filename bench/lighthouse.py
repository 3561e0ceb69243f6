"""Lighthouse's scores of the storefront in mobile mode (docs/storefront.md): the home page,
the listing and a car's page, run by the Lighthouse that package.json pins against
Debian's Chromium. It measures a running site: `make run` first (the embedded system with
its demo stock), then

    .venv/bin/python bench/lighthouse.py [--url http://127.0.0.1:8000]

It prints each page's performance, accessibility, best-practices and SEO scores (0 to 100)
and the audits that cost points. It asserts nothing, but a page (or the car list it reads a
car from) answered with an error, or not at all, fails the run before Lighthouse scores an
error page (exit code 3, the count and the first error printed)."""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
from harness import Answers, main_run

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


def scores(url: str) -> tuple[dict[str, int], list[str]]:
    with tempfile.TemporaryDirectory() as directory:
        report = Path(directory) / "report.json"
        subprocess.run(
            [
                str(LIGHTHOUSE),
                url,
                "--quiet",
                "--form-factor=mobile",
                f"--only-categories={','.join(CATEGORIES)}",
                "--chrome-flags=--headless=new --no-sandbox",
                "--output=json",
                f"--output-path={report}",
            ],
            env={**os.environ, "CHROME_PATH": CHROMIUM},
            check=True,
            timeout=300,
        )
        data = json.loads(report.read_text())
    categories = data["categories"]
    costly = [
        f"{name}: {ref['id']} {data['audits'][ref['id']].get('displayValue', '')}".rstrip()
        for name in CATEGORIES
        for ref in categories[name]["auditRefs"]
        if ref.get("weight")
        and (data["audits"][ref["id"]].get("score") is not None)
        and data["audits"][ref["id"]]["score"] < 0.9
    ]
    return {name: round(categories[name]["score"] * 100) for name in CATEGORIES}, costly


def get(answers: Answers, url: str, **params) -> httpx.Response | None:
    """A GET, its answer (after redirects) recorded in `answers`; None when none came."""
    try:
        response = httpx.get(url, params=params, follow_redirects=True)
    except httpx.TransportError as error:
        answers.failed(error)
        return None
    answers.answered(response.status_code, response.content)
    return response


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    site = parser.parse_args().url.rstrip("/")
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is missing: `npm ci` installs the version package.json pins.")
    # A new car on the lot (the condition filters vehicles only).
    listing = Answers("the car list")
    cars = get(
        listing, f"{site}/api/v1/catalog/products/", page_size=1, condition="new", in_stock="true"
    )
    listing.check()
    car = cars.json()["results"][0]["id"]
    pages = (("home", "/"), ("listing", "/cars/"), ("car", f"/cars/{car}/"))
    answers = Answers("the storefront's pages")
    for _, path in pages:  # Lighthouse would score an error page as any other
        get(answers, f"{site}{path}")
    answers.check()
    print(f"\n{'page':<12}" + "".join(f"{name:>16}" for name in CATEGORIES))
    for name, path in pages:
        found, costly = scores(f"{site}{path}")
        print(f"{name:<12}" + "".join(f"{found[category]:>16}" for category in CATEGORIES))
        for line in costly:
            print(f"    {line}")


if __name__ == "__main__":
    main_run(main)
