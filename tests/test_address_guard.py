"""The SSRF guard: which addresses it refuses, that it connects to the address it checked (a rebinding
name cannot move the connection), that every redirect hop passes it, and that the product default
refuses loopback while the opt-in setting reaches it. Real sockets on 127.0.0.1 and 127.0.0.2; the
"public" host is a local server behind ``tests.fake_internet``."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from papertalk.cli.main import app
from papertalk.config import NetworkSettings, Settings
from papertalk.fetching.address_guard import AddressGuard, AddressRefused, host_name_problem, refusal
from papertalk.fetching.pages import FetcherRegistry
from papertalk.fetching.short_links import ShortLinkError, ShortLinkResolver
from papertalk.services.capture import sources
from papertalk.services.capture.more_fetchers import register_more
from papertalk.services.capture.short_links import resolver_for
from papertalk.services.capture.source_runs import run_source
from papertalk.storage.engine import Engine
from tests.fake_arxiv import FakeClock
from tests.fake_internet import PUBLIC, LocalInternet, Names, client
from tests.fake_platforms import FakePlatform, Reply, running
from tests.helpers import NOW, table

FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Internal</title><id>urn:internal</id>
<updated>2026-11-19T10:00:00Z</updated>
<entry><title>Secret</title><id>urn:internal:1</id><updated>2026-11-19T10:00:00Z</updated>
<summary>arxiv.org/abs/2411.00042</summary></entry>
</feed>"""


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.2",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # carrier-grade NAT: not private, not global
        "100.127.255.254",
        "0.0.0.0",
        "192.0.2.1",  # documentation
        "198.18.0.1",  # benchmarking
        "224.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fec0::1",  # site-local: Python 3.11 calls it global
        "ff0e::1",  # global-scope multicast: Python 3.11 calls it global
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:10.0.0.1",
        "::7f00:1",  # IPv4-compatible ::127.0.0.1: Python 3.11 calls it global
        "2002:7f00:1::",  # 6to4 of 127.0.0.1: Python 3.11 calls it global
        "2002:808:808::1",  # 6to4 at all (deprecated; it can carry any IPv4)
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1: Python 3.11 calls it global
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
        "2001:db8::1",
        "fe80::1%eth0",
    ],
)
def test_addresses_that_are_not_globally_routable_are_refused(address: str) -> None:
    assert refusal(address) is not None
    with pytest.raises(AddressRefused, match=r"refusing some\.example: .*SSRF guard"):
        AddressGuard(resolver=lambda host, port: [address]).addresses("some.example", 443)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address: str) -> None:
    assert refusal(address) is None
    assert AddressGuard(resolver=lambda host, port: [address]).addresses("some.example", 443) == [address]


def test_a_name_with_one_private_answer_among_public_ones_is_refused() -> None:
    guard = AddressGuard(resolver=lambda host, port: [PUBLIC, "2606:4700::1111", "10.0.0.7"])
    with pytest.raises(AddressRefused, match=r"10\.0\.0\.7 is not a globally routable address"):
        guard.addresses("mixed.example", 80)
    with pytest.raises(AddressRefused, match=r"cannot resolve nowhere\.example: no such name"):
        AddressGuard(resolver=Names({})).addresses("nowhere.example", 80)


def test_host_names_from_remote_data_must_be_domain_names() -> None:
    assert host_name_problem("sigmoid.social") is None and host_name_problem("Mastodon.Social.") is None
    for bad in ("127.0.0.2:8202", "127.0.0.2", "localhost", "[::1]", "10.0.0.1", "a..b", "-a.example", "x.123"):
        assert host_name_problem(bad) == f"{bad!r} is not a domain name"


@pytest.fixture
def public() -> Iterator[FakePlatform]:
    """The public host (``PUBLIC`` on the fake internet)."""
    with running(FakePlatform()) as fake:
        yield fake


@pytest.fixture
def internal(public: FakePlatform) -> Iterator[FakePlatform]:
    """A private service on 127.0.0.2, on the same port as the public host (what a rebinding aims at)."""
    with running(FakePlatform("127.0.0.2", public.port)) as fake:
        fake.route = lambda _r: Reply(200, FEED, {"Content-Type": "application/atom+xml"})
        yield fake


def test_a_rebinding_name_is_connected_at_the_address_that_was_checked(
    public: FakePlatform, internal: FakePlatform
) -> None:
    public.route = lambda _r: Reply(200, b"public")
    names = Names({"rebind.example": [[PUBLIC], ["127.0.0.2"]]})  # public to the check, then private
    internet = LocalInternet()
    answer = client(names, internet).get(f"http://rebind.example:{public.port}/page")
    assert answer.text == "public" and internet.connected == [PUBLIC] and names.asked == ["rebind.example"]
    assert public.requests[0].headers["host"] == f"rebind.example:{public.port}"  # Host stays the name
    # A new connection asks again, and the private answer is refused before any socket is opened.
    with pytest.raises(AddressRefused, match=r"refusing rebind\.example: 127\.0\.0\.2 is not a globally routable"):
        client(names, internet).get(f"http://rebind.example:{public.port}/page")
    assert internet.connected == [PUBLIC] and internal.requests == []


def test_a_rebinding_short_link_never_reaches_the_private_host(public: FakePlatform, internal: FakePlatform) -> None:
    paper = f"http://papers.example:{public.port}/abs/2411.00042"
    public.route = lambda r: Reply(301, b"", {"Location": paper}) if r.path == "/x" else Reply(200, b"a paper")
    names = Names({"sho.rt": [[PUBLIC], ["127.0.0.2"]], "papers.example": [[PUBLIC]]})
    resolver = ShortLinkResolver(client(names, LocalInternet()), timeout=2, extra_hosts=frozenset({"sho.rt"}))
    assert resolver.resolve(f"http://sho.rt:{public.port}/x") == paper
    with pytest.raises(ShortLinkError, match=r"AddressRefused: refusing sho\.rt: 127\.0\.0\.2"):
        ShortLinkResolver(client(names, LocalInternet()), timeout=2, extra_hosts=frozenset({"sho.rt"})).resolve(
            f"http://sho.rt:{public.port}/x"
        )
    assert internal.requests == []


@pytest.mark.parametrize("location", ["http://127.0.0.2:{port}/feed.xml", "http://intranet.example:{port}/feed.xml"])
def test_every_redirect_hop_passes_the_guard(
    engine: Engine, public: FakePlatform, internal: FakePlatform, location: str
) -> None:
    public.route = lambda _r: Reply(302, b"", {"Location": location.format(port=internal.port)})
    names = Names({"feeds.example": [[PUBLIC]], "intranet.example": [["127.0.0.2"]]})
    clock = FakeClock()
    settings = Settings.from_env({"PAPERTALK_DATABASE_URL": "sqlite://"})
    registry = register_more(
        FetcherRegistry(), settings, http=client(names, LocalInternet()), clock=clock, sleep=clock.sleep
    )
    row, _ = sources.add(engine, "rss", "feed", f"http://feeds.example:{public.port}/feed.xml", NOW)
    outcome = run_source(engine, registry, row, NOW)
    assert outcome.error is not None and "AddressRefused: refusing" in outcome.error
    assert "127.0.0.2 is not a globally routable address" in outcome.error and outcome.error.endswith("(1 attempt)")
    assert len(public.requests) == 1 and internal.requests == []
    # The same redirect with the opt-in is followed: the refusal above is the guard's, nothing else.
    allowed = register_more(
        FetcherRegistry(),
        settings,
        http=client(names, LocalInternet(), allow_private=True),
        clock=clock,
        sleep=clock.sleep,
    )
    assert run_source(engine, allowed, row, NOW + 900).error is None
    assert len(internal.requests) == 1 and table(engine, "SELECT COUNT(*) FROM posts") == [(1,)]


def test_the_product_default_refuses_a_feed_on_loopback_and_the_setting_opts_in(
    engine: Engine, internal: FakePlatform
) -> None:
    clock = FakeClock()
    default = Settings.from_env({"PAPERTALK_DATABASE_URL": "sqlite://"})
    assert default.networks.allow_private is False
    row, _ = sources.add(engine, "rss", "feed", internal.url + "/feed.xml", NOW)
    outcome = run_source(engine, register_more(FetcherRegistry(), default, clock=clock, sleep=clock.sleep), row, NOW)
    assert outcome.error == (
        f"rss:feed:{internal.url}/feed.xml: AddressRefused: refusing 127.0.0.2: 127.0.0.2 is not a globally "
        "routable address (SSRF guard; PAPERTALK_FETCH_ALLOW_PRIVATE=1 allows it) (1 attempt)"
    )
    assert internal.requests == []
    opted_in = Settings.from_env({"PAPERTALK_DATABASE_URL": "sqlite://", "PAPERTALK_FETCH_ALLOW_PRIVATE": "1"})
    outcome = run_source(engine, register_more(FetcherRegistry(), opted_in, clock=clock, sleep=clock.sleep), row, NOW)
    assert outcome.error is None and outcome.posts_new == 1
    with pytest.raises(ShortLinkError, match=r"refusing 127\.0\.0\.2"):
        resolver_for(NetworkSettings()).resolve(internal.url + "/x")
    assert len(internal.requests) == 1


def test_fetch_on_the_command_line_refuses_a_private_feed_in_one_line(
    engine: Engine, db_url: str, internal: FakePlatform
) -> None:
    feed = internal.url + "/feed.xml"

    def papertalk(*args: str, **env: str) -> tuple[int, str]:
        result = CliRunner().invoke(app, ["--database", db_url, *args], env={"COLUMNS": "300", **env})
        return result.exit_code, result.stdout + result.stderr

    assert papertalk("sources", "add", "rss:feed", feed)[0] == 0
    code, out = papertalk("fetch")
    [line] = [line for line in out.splitlines() if line.startswith("rss:feed:")]
    assert code == 1 and "Traceback" not in out and internal.requests == []
    assert "failed: " in line and "refusing 127.0.0.2: 127.0.0.2 is not a globally routable address" in line
    code, out = papertalk("fetch", f"rss:feed:{feed}", PAPERTALK_FETCH_ALLOW_PRIVATE="1")
    assert code == 0, out
    assert len(internal.requests) == 1 and table(engine, "SELECT COUNT(*) FROM posts") == [(1,)]


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for secure.example (made with the openssl command, no Python CA library)."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=secure.example"),
            *("-addext", "subjectAltName=DNS:secure.example", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def test_tls_checks_the_name_while_the_socket_goes_to_the_checked_address(tls_files: tuple[Path, Path]) -> None:
    cert, key = tls_files
    names_seen: list[str | None] = []
    server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_side.load_cert_chain(cert, key)
    server_side.sni_callback = lambda sock, name, ctx: names_seen.append(name)  # the SNI the client sent
    with running(FakePlatform()) as secure:
        secure.route = lambda _r: Reply(200, b"over TLS")
        secure.server.socket = server_side.wrap_socket(secure.server.socket, server_side=True)
        trust = ssl.create_default_context(cafile=str(cert))
        names = Names({"secure.example": [[PUBLIC]], "impostor.example": [[PUBLIC]]})
        internet = LocalInternet()
        answer = client(names, internet, trust=trust).get(f"https://secure.example:{secure.port}/")
        assert answer.text == "over TLS" and internet.connected == [PUBLIC] and names_seen == ["secure.example"]
        # The same address under another name: the certificate is checked against the name, and fails.
        with pytest.raises(httpx.ConnectError, match="certificate verify failed"):
            client(names, internet, trust=trust).get(f"https://impostor.example:{secure.port}/")
