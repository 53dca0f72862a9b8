"""A batch's frozen files and a draw's manifest: loaded only where they are read.

A batch's targets.csv is tens of MB for a million market entities (hundreds of MB for a
province's ~10 million), a draw's manifest about a MB.  Three ways reach a batch or a draw:

- its manager (``Batch.objects``, ``Draw.objects``): the managers below defer the columns;
- a join (``select_related("task__batch")``): the query defers them with :func:`large_columns`;
- a relation followed lazily (``task.batch``, ``batch.draw``, ``draw.batch``): Django loads it
  through the model's *base* manager, which cannot defer them (a deferred field is itself
  loaded through the base manager with ``.only(field)``, which a deferring base manager would
  turn into loading nothing).  The relation fields below give those accessors a query that
  defers the columns instead; they are plain ForeignKey/OneToOneField to migrations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.db.models.fields.related_descriptors import (
    ForwardManyToOneDescriptor,
    ForwardOneToOneDescriptor,
    ReverseOneToOneDescriptor,
)

if TYPE_CHECKING:
    from ticcoop.supervision.models import Batch, Draw

_ST = TypeVar("_ST")  # the type a field is set with and the type it gets (django-stubs)
_GT = TypeVar("_GT")

BATCH_FILES = ("targets_csv", "inspectors_csv")
DRAW_MANIFEST = "manifest"


def large_columns(*paths: str) -> list[str]:
    """``.defer()`` arguments for the batches and draws along ``paths``: a path ending in
    "draw" names a draw ("task__batch__draw"), any other a batch ("task__batch", "redraw_of")."""
    columns = []
    for path in paths:
        names = (DRAW_MANIFEST,) if path.endswith("draw") else BATCH_FILES
        columns += [f"{path}__{name}" for name in names]
    return columns


class BatchManager(models.Manager["Batch"]):
    def get_queryset(self) -> models.QuerySet[Batch]:
        return super().get_queryset().defer(*BATCH_FILES)


class DrawManager(models.Manager["Draw"]):
    def get_queryset(self) -> models.QuerySet[Draw]:
        return super().get_queryset().defer(DRAW_MANIFEST)


def _large_of(model: type[models.Model] | str) -> tuple[str, ...]:
    """The large columns of the model a relation loads (a relation's "self" is resolved to
    its model class once the apps are ready, before any query)."""
    name = "" if isinstance(model, str) else model._meta.model_name
    return {"batch": BATCH_FILES, "draw": (DRAW_MANIFEST,)}.get(name or "", ())


class _ForwardMany(ForwardManyToOneDescriptor):
    def get_queryset(self, **hints: Any) -> models.QuerySet[Any]:
        return super().get_queryset(**hints).defer(*_large_of(self.field.remote_field.model))


class _ForwardOne(ForwardOneToOneDescriptor):
    def get_queryset(self, **hints: Any) -> models.QuerySet[Any]:
        return super().get_queryset(**hints).defer(*_large_of(self.field.remote_field.model))


class _ReverseOne(ReverseOneToOneDescriptor):
    def get_queryset(self, **hints: Any) -> models.QuerySet[Any]:
        return super().get_queryset(**hints).defer(*_large_of(self.related.related_model))


class BatchForeignKey(models.ForeignKey[_ST, _GT]):
    """A ForeignKey to Batch: ``task.batch`` loads the batch without its files."""

    forward_related_accessor_class = _ForwardMany

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.ForeignKey", args, kwargs


class LargeOneToOneField(models.OneToOneField[_ST, _GT]):
    """A OneToOneField to or from a batch or draw: both directions (``draw.batch``,
    ``batch.draw``, ``ceremony.draw``, ``batch.redraw_of``, ``batch.redrawn_by``) leave the
    large columns of the batch or draw they load."""

    forward_related_accessor_class = _ForwardOne
    related_accessor_class = _ReverseOne

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.OneToOneField", args, kwargs
