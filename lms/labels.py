"""The Swedish UI texts for a refused LMS file (`FileError.code`; English comes from the catalog,
and the CLI prints the error's own English message)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

FILE_ERRORS = {
    "empty": _l("Filen är tom."),
    "not_a_report": _l("Filen är ingen rapport från kompetensportalen. Ladda upp en CSV- eller XLSX-fil."),
    "bad_xlsx": _l("XLSX-filen gick inte att läsa. Öppna den i Excel och spara den igen."),
    "wrong_columns": _l("Filen saknar kolumnerna vi behöver: något som identifierar personen (Anställningsnummer, "
                        "Användarnamn eller E-post) och Status eller Slutförd. Spara en kolumnmappning om filen "
                        "har andra rubriker."),
    "no_course": _l("Filen har ingen kolumn för kurs. Välj vilken kurs filen gäller."),
    "mapping_mismatch": _l("Filen saknar en kolumn som den valda mappningen förväntar sig."),
    "too_large": _l("Filen är för stor."),
    "too_many_rows": _l("Filen har för många rader. Dela upp den i mindre filer."),
    "too_many_columns": _l("Filen har för många kolumner. En rapport från kompetensportalen har bara ett fåtal; "
                           "ta bort de övriga kolumnerna."),
    "separator_mismatch": _l("Rubrikraden och dataraderna använder olika avgränsare (semikolon eller komma), så "
                             "ingen rad gick att läsa. Spara filen igen som CSV från Excel."),
}
