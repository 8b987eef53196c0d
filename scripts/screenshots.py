"""Screenshots of the four start pages (admin, comms, manager, employee) from the demo,
into docs/img/, so the pictures in the docs stay current.

    .venv/bin/python scripts/screenshots.py [--out docs/img] [--width 1100] [--height 1400]

Loads the demo region into a temporary SQLite database, serves the app on a free
loopback port, logs in through the real form as each demo user with Debian's Chromium
(Playwright, no browser download) and saves `start-<role>.png`.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
ROLES = ("admin", "comms", "manager", "employee")


def serve_demo(database: Path):
    """The app with the demo loaded, on a free port: (server, thread, base url)."""
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from app import create_app
    from demo.load import load_demo

    app = create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "SECRET_KEY": "screenshots-only",
        "SESSION_COOKIE_SECURE": False, "LOG_LEVEL": "WARNING", "TESTING": False,
    })
    with app.app_context():
        upgrade()
        load_demo()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread, app.config["BASE_URL"]


def shoot(base: str, out: Path, width: int, height: int) -> list[Path]:
    from playwright.sync_api import sync_playwright

    from demo.region import DEMO_LOGINS

    logins = {login["role"]: (login["username"], login["password"]) for login in DEMO_LOGINS}
    written = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        for role in ROLES:
            context = browser.new_context(locale="sv-SE", viewport={"width": width, "height": height})
            page = context.new_page()
            page.goto(f"{base}/login")
            username, password = logins[role]
            page.get_by_label("Användarnamn", exact=True).fill(username)
            page.get_by_label("Lösenord", exact=True).fill(password)
            with page.expect_navigation():
                page.get_by_role("button", name="Logga in", exact=True).click()
            target = out / f"start-{role}.png"
            page.screenshot(path=str(target))
            context.close()
            written.append(target)
        browser.close()
    return written


def shrink(path: Path) -> None:
    """A palette PNG: the pages are flat colours and text, so 256 colours lose nothing visible."""
    from PIL import Image

    with Image.open(path) as image:
        image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    parser.add_argument("--width", type=int, default=1100)
    parser.add_argument("--height", type=int, default=1400)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        server, thread, base = serve_demo(Path(tmp) / "demo.db")
        try:
            for path in shoot(base, args.out, args.width, args.height):
                shrink(path)
                print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {path.stat().st_size} bytes")
        finally:
            server.shutdown()
            thread.join(timeout=5)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
