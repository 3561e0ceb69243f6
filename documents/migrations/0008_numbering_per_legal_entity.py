"""Each legal entity of the group numbers its own documents (docs/showrooms.md, "Documents"):
a numbering row per legal entity, kind and year, and a number unique for its legal entity."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Max


def numbering_per_entity(apps, schema_editor):
    """One row per legal entity, kind and year that has documents, going on from the last
    number it gave: no number is given twice by one legal entity."""
    db = schema_editor.connection.alias
    Document = apps.get_model("documents", "Document")
    DocumentSequence = apps.get_model("documents", "DocumentSequence")
    numbered = (
        Document.objects.using(db)
        .values("legal_entity_id", "kind", "year")
        .annotate(last=Max("sequence"))
    )
    DocumentSequence.objects.using(db).all().delete()
    DocumentSequence.objects.using(db).bulk_create(DocumentSequence(**row) for row in numbered)


def numbering_per_year(apps, schema_editor):
    """Back to one row per kind and year, going on from the highest number given."""
    db = schema_editor.connection.alias
    DocumentSequence = apps.get_model("documents", "DocumentSequence")
    kept = set()
    for row in DocumentSequence.objects.using(db).order_by("kind", "year", "-last", "pk"):
        if (row.kind, row.year) in kept:
            row.delete()
        kept.add((row.kind, row.year))


class Migration(migrations.Migration):

    dependencies = [
        ('documents', '0007_document_showroom_id'),
    ]

    operations = [
        migrations.RemoveConstraint(model_name='documentsequence', name='documents_sequence_once'),
        migrations.AddField(
            model_name='documentsequence',
            name='legal_entity',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, to='documents.legalentity'),
        ),
        migrations.RunPython(numbering_per_entity, numbering_per_year),
        migrations.AlterField(
            model_name='documentsequence',
            name='legal_entity',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='documents.legalentity'),
        ),
        migrations.AddConstraint(
            model_name='documentsequence',
            constraint=models.UniqueConstraint(fields=('legal_entity', 'kind', 'year'), name='documents_sequence_once'),
        ),
        migrations.RemoveConstraint(model_name='document', name='documents_number_once'),
        migrations.AlterField(
            model_name='document',
            name='number',
            field=models.CharField(max_length=32),
        ),
        migrations.AddConstraint(
            model_name='document',
            constraint=models.UniqueConstraint(fields=('legal_entity', 'kind', 'year', 'sequence'), name='documents_number_once'),
        ),
        migrations.AddConstraint(
            model_name='document',
            constraint=models.UniqueConstraint(fields=('legal_entity', 'number'), name='documents_number_of_entity_once'),
        ),
    ]
