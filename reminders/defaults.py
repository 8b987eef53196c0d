"""The built-in reminder texts, per kind and language (admins may replace them on the texts page)."""
from __future__ import annotations

from models.reminders import DIGEST, EMPLOYEE, ESCALATION, RENEWAL

#: Built-in texts: (kind, locale) -> (subject, body).
DEFAULTS: dict[tuple[str, str], tuple[str, str]] = {
    (EMPLOYEE, "sv"): (
        "Påminnelse: {kurs} senast {sista_datum}",
        "Hej {förnamn}!\n\n"
        "Alla i regionen ska gå utbildningen **{kurs}**. Enligt våra uppgifter är den inte klar för dig ännu "
        "(status: {status}). Sista datum är **{sista_datum}**.\n\n"
        "Kursen tar {kurslängd} och du hittar den här: {kurslänk}\n\n"
        "Har du redan gått den? Då kan det dröja några dagar innan det syns hos oss. "
        "Har du frågor, prata med din chef ({chef}).\n\n"
        "Tack för att du hjälper till att hålla vår information säker!\n\n"
        "Säkerhetsenheten",
    ),
    (EMPLOYEE, "en"): (
        "Reminder: {kurs} by {sista_datum}",
        "Hello {förnamn},\n\n"
        "Everyone in the region takes the course **{kurs}**. According to our records you have not finished it "
        "yet (status: {status}). The due date is **{sista_datum}**.\n\n"
        "The course takes {kurslängd} and you find it here: {kurslänk}\n\n"
        "Already done? It can take a few days before it shows here. "
        "If you have questions, talk to your manager ({chef}).\n\n"
        "Thank you for helping to keep our information safe!\n\n"
        "The information security unit",
    ),
    (RENEWAL, "sv"): (
        "Ny version av {kurs}: gå den senast {gäller_till}",
        "Hej {förnamn}!\n\n"
        "Din genomförda version av utbildningen, **{version}**, gäller till **{gäller_till}**. "
        "Gå den nya versionen, **{ny_version}**, senast dess så att du fortsätter att räknas som klar.\n\n"
        "Kursen tar {kurslängd} och du hittar den här: {kurslänk}\n\n"
        "Har du redan gått den nya versionen? Då kan det dröja några dagar innan det syns hos oss. "
        "Har du frågor, prata med din chef ({chef}).\n\n"
        "Tack för att du hjälper till att hålla vår information säker!\n\n"
        "Säkerhetsenheten",
    ),
    (RENEWAL, "en"): (
        "New version of {kurs}: take it by {gäller_till}",
        "Hello {förnamn},\n\n"
        "The version of the course you completed, **{version}**, is valid until **{gäller_till}**. "
        "Take the new version, **{ny_version}**, by then to stay counted as done.\n\n"
        "The course takes {kurslängd} and you find it here: {kurslänk}\n\n"
        "Already taken the new version? It can take a few days before it shows here. "
        "If you have questions, talk to your manager ({chef}).\n\n"
        "Thank you for helping to keep our information safe!\n\n"
        "The information security unit",
    ),
    (DIGEST, "sv"): (
        "{kurs}: {antal} i ditt team är inte klara",
        "Hej {förnamn}!\n\n"
        "I dag har vi påmint de här medarbetarna om utbildningen **{kurs}**:\n\n"
        "{lista}\n\n"
        "Du ser hela teamets status, och kan påminna igen, i Mitt team: {teamlänk}\n\n"
        "Säkerhetsenheten",
    ),
    (DIGEST, "en"): (
        "{kurs}: {antal} in your team have not finished",
        "Hello {förnamn},\n\n"
        "Today we reminded these members of your team about the course **{kurs}**:\n\n"
        "{lista}\n\n"
        "See your whole team's status, and remind them again, in My team: {teamlänk}\n\n"
        "The information security unit",
    ),
    (ESCALATION, "sv"): (
        "{kurs}: {antal} medarbetare är mer än {dagar} dagar sena",
        "Hej {förnamn}!\n\n"
        "De här medarbetarna i din organisation har passerat sista datum för **{kurs}** med mer än "
        "{dagar} dagar. Deras chefer har fått påminnelser.\n\n"
        "{lista}\n\n"
        "Hela bilden finns i Mitt team: {teamlänk}\n\n"
        "Säkerhetsenheten",
    ),
    (ESCALATION, "en"): (
        "{kurs}: {antal} staff are more than {dagar} days overdue",
        "Hello {förnamn},\n\n"
        "These people in your organisation are more than {dagar} days past the due date of **{kurs}**. "
        "Their managers have been reminded.\n\n"
        "{lista}\n\n"
        "The whole picture is in My team: {teamlänk}\n\n"
        "The information security unit",
    ),
}
