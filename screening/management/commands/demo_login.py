from django.core.management.base import BaseCommand

from screening.demo import demo_login, refuse_unless_demo


class Command(BaseCommand):
    help = (
        "Make (or refresh) the demo's staff login, the superuser 'demo', with a new random "
        "password, and print it. Development only: refused with DEBUG off, and on any database "
        "but the default SQLite file unless --any-database."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--any-database", action="store_true", help="Allow a database other than SQLite."
        )

    def handle(self, *args, any_database: bool = False, **options) -> None:
        refuse_unless_demo(any_database=any_database)
        user, password = demo_login()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo staff login at http://127.0.0.1:8000/admin/: user {user}, "
                f"password {password} (a new one each time this runs)"
            )
        )
