"""Reading everyone from the directory for a sync (`directory.sync`): records keyed by external
id, and the entries that could not be used."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from directory import client
from directory.mapping import MappingError, PersonRecord, RecordReader, wanted_attributes

if TYPE_CHECKING:
    from directory.sync import SyncSettings


def read_directory(settings: SyncSettings, on_page=None) -> tuple[dict[str, PersonRecord], list[dict]]:
    """All people as records keyed by external id, plus the entries that could not be used."""
    attrs = wanted_attributes(settings.mapping)
    reader = RecordReader(settings.mapping, settings.schema)

    def convert(dn: str, raw: dict) -> PersonRecord | dict:
        # Page by page: only records are kept, never all raw entries at once.
        try:
            return reader.record(dn, raw)
        except MappingError as exc:
            return {"dn": dn, "reason": str(exc)}

    disabled_dns: set[str] = set()
    if not settings.disabled_filter:
        found = client.paged_search(settings.server, settings.base_dn, settings.user_filter, attrs, on_page, convert)
    else:
        # The disabled-flag search makes the server scan everyone again (its attribute is
        # rarely indexed) but returns few entries: let the server do that on its own
        # connection while this thread decodes the main search (not for the in-process demo).
        flag_filter = f"(&{settings.user_filter}{settings.disabled_filter})"
        with ThreadPoolExecutor(max_workers=1) as pool:
            flagged_later = (pool.submit(client.paged_search, settings.server, settings.base_dn, flag_filter, [])
                             if settings.server.url != client.DEMO_URL else None)
            found = client.paged_search(settings.server, settings.base_dn, settings.user_filter, attrs, on_page,
                                        convert)
            flagged = (flagged_later.result() if flagged_later else
                       client.paged_search(settings.server, settings.base_dn, flag_filter, []))
        disabled_dns = {dn.lower() for dn, _ in flagged.entries}
    return collect(found.entries, disabled_dns)


def collect(converted: list, disabled_dns: set[str]) -> tuple[dict[str, PersonRecord], list[dict]]:
    """Records keyed by external id from converted entries (a PersonRecord, or a dict saying
    why an entry could not be used), with the rules both syncs share: flagged people are
    disabled, a repeated id or user name is refused, and values cleaned of line breaks or
    control characters are reported so the admins fix the source."""
    records: dict[str, PersonRecord] = {}
    usernames: dict[str, str] = {}
    invalid: list[dict] = []
    for rec in converted:
        if isinstance(rec, dict):
            invalid.append(rec)
            continue
        if rec.dn.lower() in disabled_dns:
            rec.disabled = True
        if rec.external_id in records or rec.username in usernames:
            invalid.append({"dn": rec.dn, "reason": f"duplicate id or user name ({rec.username})"})
            continue
        records[rec.external_id] = rec
        usernames[rec.username] = rec.external_id
        if rec.cleaned:  # stored cleaned (names) or without the value (e-mail): the admins should fix the source
            invalid.append({"dn": rec.dn, "username": rec.username, "fields": list(rec.cleaned),
                            "reason": "line break or control character in " + ", ".join(rec.cleaned)
                            + " (cleaned or left out)"})
    return records, invalid
