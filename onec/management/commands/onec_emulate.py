"""`manage.py onec_emulate --url http://127.0.0.1:8000 --login … --password …`: plays 1C
against a running site (onec/emulator.py) with a generated catalog (onec/samples/), or, with
--sale, takes the site's orders as 1C does; `--write-dir DIR` only writes the sample's files,
for a look at them (docs/1c.md). It needs no database: it only talks HTTP."""

from decimal import Decimal, InvalidOperation
from pathlib import Path
from xml.etree import ElementTree

from django.core.management import BaseCommand, CommandError

from onec import demo
from onec.emulator import ExchangeFailed, OneC
from onec.samples import catalog_sample


def _fraction(value: str) -> Decimal:
    try:
        return Decimal(value)
    except InvalidOperation:
        raise ValueError(value) from None


class Command(BaseCommand):
    help = (
        "Play 1C's side of the CommerceML exchange against a site: a catalog exchange with a "
        "generated sample, or (--sale) a sale exchange; --write-dir only writes the sample."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="the site's root")
        parser.add_argument("--path", default="/exchange/1c/", help="the exchange's URL path")
        parser.add_argument(
            "--login", default=demo.LOGIN, help="the exchange account's (the demo's by default)"
        )
        parser.add_argument("--password", default=demo.PASSWORD)
        parser.add_argument("--cars", type=int, default=2000)
        parser.add_argument("--parts", type=int, default=5000)
        parser.add_argument("--accessories", type=int, default=0)
        parser.add_argument("--warehouses", type=int, default=3)
        parser.add_argument("--encoding", choices=["utf-8", "windows-1251"], default="utf-8")
        parser.add_argument(
            "--split", action="store_true", help="offers, prices and rests in three files (2.10)"
        )
        parser.add_argument(
            "--price-shift", type=_fraction, default=Decimal(0), help="0.05: every price 5%% up"
        )
        parser.add_argument(
            "--stock-shift", type=int, default=0, help="added to every part's stock"
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--sale", action="store_true", help="a sale exchange instead")
        parser.add_argument("--write-dir", help="write the sample's files here and stop")

    def handle(self, *args, **options):
        sample = None
        if not options["sale"]:
            self.stdout.write(
                f"Generating {options['cars']} cars, {options['parts']} parts and "
                f"{options['accessories']} accessories ({options['encoding']})…"
            )
            sample = catalog_sample(
                cars=options["cars"],
                parts=options["parts"],
                accessories=options["accessories"],
                warehouses=options["warehouses"],
                encoding=options["encoding"],
                seed=options["seed"],
                price_shift=options["price_shift"],
                stock_shift=options["stock_shift"],
                split_offers=options["split"],
            )
            for name, data in sample.files.items():
                self.stdout.write(f"  {name}: {len(data) / 1_000_000:.1f} MB")
        if options["write_dir"]:
            if sample is None:
                raise CommandError("--write-dir writes a catalog sample: leave out --sale.")
            directory = Path(options["write_dir"])
            directory.mkdir(parents=True, exist_ok=True)
            for name, data in sample.files.items():
                (directory / name).write_bytes(data)
            self.stdout.write(f"Wrote {len(sample.files)} files to {directory}.")
            return
        onec = OneC(options["url"], options["login"], options["password"], path=options["path"])
        try:
            if sample is None:
                self._sale(onec)
            else:
                report = onec.catalog_exchange(sample)
                self.stdout.write(
                    f"Imported {', '.join(report['files'])}: {report['parts']} requests of "
                    f"files, {report['import_calls']} import calls, {report['seconds']} s."
                )
        except ExchangeFailed as failed:
            raise CommandError(f"The site answered failure: {failed.reason}") from None
        finally:
            onec.client.close()

    def _sale(self, onec: OneC) -> None:
        data = onec.sale_query()
        try:
            root = ElementTree.fromstring(data)
        except ElementTree.ParseError as error:
            raise CommandError(f"The site's orders are not XML: {error}") from None
        documents = sum(1 for element in root if element.tag.rpartition("}")[2] == "Документ")
        self.stdout.write(f"The site sent {documents} Документ ({len(data)} bytes).")
        onec.sale_success()
        self.stdout.write("Answered success.")
