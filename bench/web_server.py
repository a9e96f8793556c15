"""``papertalk serve`` for the benchmark: the same app, with the clock pinned to the benchmark's "now"
(PAPERTALK_FIXED_NOW) so the pages show the generated world's last week."""

from __future__ import annotations

import argparse
import os

import uvicorn

from papertalk.config import Settings
from papertalk.web.app import create_app
from papertalk.web.render_cache import RenderCache
from papertalk.web.state import web_settings_from


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--no-personal-cache", action="store_true", help="render every signed-in page (the baseline)")
    args = parser.parse_args()
    now = float(os.environ["PAPERTALK_FIXED_NOW"])
    settings = Settings.from_env()
    app = create_app(settings, web_settings_from(settings.web), clock=lambda: now)
    if args.no_personal_cache:
        app.state.web.personal_cache = RenderCache(0)  # keeps nothing: each signed-in page is rendered
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
