"""`python manage.py compile_locale`: the project's locale/*.po into .mo files, in pure Python."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Compile locale/*/LC_MESSAGES/*.po into the .mo files Django reads. Django's own "
        "compilemessages needs GNU gettext's msgfmt, which a machine with only python3 lacks; "
        "this uses polib (a development requirement). The .mo files are committed, so running "
        "the portal never needs this."
    )

    def handle(self, *args, **options):
        try:
            import polib
        except ImportError:
            raise CommandError("polib is missing: .venv/bin/pip install -r requirements-dev.txt") from None
        for locale_path in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_path).glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                self.stdout.write(f"{mo_path.relative_to(settings.BASE_DIR)}")
