"""The privacy documents as blocks (the follow-up's Block: headings, paragraphs, lists,
tables): the register extract as a Swedish PDF, and the record of processing (art. 30) as
DOCX; the /admin/dataskydd page renders the same blocks."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import force_locale

from followup.document import Block, blocks_to_docx, pdf_font
from privacy.retention import CATEGORIES, describe_period, periods

EXTRACT_INTRO = ("Utdraget visar alla personuppgifter som Vaksam har om personen (dataskyddsförordningen "
                 "artikel 15), per tabell, med den gallringsregel som gäller för uppgifterna.")


def _text(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    return str(value)


def extract_blocks(data: dict) -> list[Block]:
    person = data["person"]
    blocks = [Block("h1", f"Registerutdrag för {person.get('display_name') or person.get('username')}"),
              Block("p", f"Framställt {data['generated_at'][:16].replace('T', ' ')} (UTC). {EXTRACT_INTRO}"),
              Block("h2", "Uppgifter om personen"),
              Block("table", headers=["Uppgift", "Värde"],
                    rows=[[key, _text(value if not isinstance(value, list) else ", ".join(value))]
                          for key, value in person.items()])]
    empty = []
    for section in data["sections"].values():
        rows = section.get("rows")
        if rows is not None and not rows or section.get("count") == 0:
            empty.append(section["label"])
            continue
        blocks.append(Block("h2", section["label"]))
        blocks.append(Block("p", f"Gallringsregel: {section['retention_label']}."))
        if rows is None:
            blocks.append(Block("p", f"Antal: {section['count']}."))
        else:
            blocks.append(Block("list", items=["; ".join(f"{k}: {_text(v)}" for k, v in row.items()) for row in rows]))
    if empty:
        blocks.append(Block("h2", "Inga uppgifter finns i"))
        blocks.append(Block("list", items=empty))
    return blocks


def extract_pdf(data: dict) -> bytes:
    from followup.pdf import render

    return render(extract_blocks(data), "Registerutdrag", pdf_font())


def _host(url: str) -> str:
    parts = urlsplit(url)
    return parts.hostname or url or "–"


def record_blocks(config) -> list[Block]:
    """The record of processing from the retention table and the settings, in Swedish whatever the
    reader's language (the retention table's texts are lazy msgids)."""
    with force_locale("sv"):
        return _record_blocks(config)


def _record_blocks(config) -> list[Block]:
    amounts = periods(config)
    db_url = config["SQLALCHEMY_DATABASE_URI"]
    database = "PostgreSQL på " + _host(db_url) if db_url.startswith("postgresql") else "SQLite-fil på applikationsservern"
    mail = f"E-postserver {config['SMTP_HOST']}:{config['SMTP_PORT']}" if config["SMTP_HOST"] \
        else "Ingen e-postserver: e-post skrivs som filer (demoläge)"
    directory = f"Katalogtjänst {_host(config['LDAP_URL'])} (läses; Vaksam skriver aldrig dit)" \
        if config["LDAP_URL"] else "Ingen katalogtjänst: lokala konton"
    return [
        Block("h1", "Registerförteckning: Vaksam"),
        Block("p", f"Personuppgiftsansvarig: {config['PRIVACY_CONTROLLER']}. "
                   f"Dataskyddsombud: {config['PRIVACY_DPO_CONTACT'] or 'se regionens webbplats'}."),
        Block("h2", "Ändamål"),
        Block("p", "Vaksam stödjer regionens arbete med informationssäkerhet: den obligatoriska utbildningen "
                   "Säkert Beteende och påminnelser om den, kampanjer och aktiviteter under "
                   "säkerhetsmånaden, och uppföljningen av revisionens rekommendationer."),
        Block("h2", "Kategorier av registrerade"),
        Block("list", items=["Anställda och uppdragstagare i regionens katalog, även de som slutat",
                             "Chefer (för sina medarbetares utbildningsstatus)"]),
        Block("h2", "Kategorier av personuppgifter, ändamål och lagringstider"),
        Block("table", headers=["Kategori", "Ändamål", "Rättslig grund", "Lagringstid", "Vid periodens slut"],
              rows=[[f"{c.label}: {c.data}", str(c.purpose), str(c.legal_ground),
                     describe_period(c, amounts[c.name]) + (f" ({c.setting})" if c.setting else " (fast)"),
                     f"{c.end}. Sparas: {c.kept}."] for c in CATEGORIES]),
        Block("h2", "Mottagare och källor"),
        Block("list", items=[mail, directory,
                             ("Lärplattformen: rapporter importeras av administratör eller via API; Vaksam "
                             "lämnar inga uppgifter till lärplattformen"),
                             "Inga överföringar till tredje land"]),
        Block("h2", "Var behandlingen sker"),
        Block("list", items=[f"Webbadress: {config['BASE_URL']}", f"Databas: {database}",
                             "Filer (importer, underlag) under applikationens instanskatalog"]),
        Block("h2", "Säkerhetsåtgärder"),
        Block("list", items=["Behörighet efter roll (administratör, kommunikatör, chef, medarbetare)",
                             "Granskningslogg över visning, export och ändring av personuppgifter",
                             "Automatisk gallring varje natt enligt tabellen ovan",
                             "Registerutdrag för en person som PDF och JSON, loggat i granskningsloggen"]),
    ]


def record_docx(config) -> bytes:
    return blocks_to_docx(record_blocks(config), "Registerförteckning: Vaksam")
