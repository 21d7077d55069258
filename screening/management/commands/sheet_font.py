from django.core.management.base import BaseCommand

from screening import sheet_font


class Command(BaseCommand):
    help = (
        "Build the printable sheets' font (settings.SHEET_FONT) from the system's Noto Sans CJK "
        "SC: a few seconds, once per machine; --if-missing keeps one already built."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--if-missing", action="store_true", help="Keep a font already built.")

    def handle(self, *args, if_missing: bool = False, **options) -> None:
        target = sheet_font.path()
        if if_missing and target.is_file():
            return
        sheet_font.build(target)
        self.stdout.write(f"Wrote {target}")
