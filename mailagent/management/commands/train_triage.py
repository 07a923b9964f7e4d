"""`python manage.py train_triage`: train the learned triage on the labelled history, print how
the rules, the model and the two combined do on the part kept aside, and store the model."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mailagent.services.triage_training import triage_model_train


class Command(BaseCommand):
    help = "Train the triage model on the labelled messages and tickets; print before and after."

    def add_arguments(self, parser):
        parser.add_argument(
            "--out",
            type=Path,
            default=None,
            help="where to store the model (default TRIAGE_MODEL_PATH)",
        )

    def handle(self, *args, out: Path | None, **options):
        path = out or (Path(settings.TRIAGE_MODEL_PATH) if settings.TRIAGE_MODEL_PATH else None)
        if path is None:
            raise CommandError("TRIAGE_MODEL_PATH is empty: pass --out FILE to store the model.")
        report = triage_model_train(
            path=path, threshold=settings.TRIAGE_MODEL_CONFIDENCE, now=timezone.now()
        )
        sources = ", ".join(f"{n} {source}" for source, n in sorted(report.sources.items()))
        self.stdout.write(f"Trained {report.model.label} on {report.model.training_size} messages")
        self.stdout.write(f"  ({sources})")
        self.stdout.write(
            f"On the {report.kept_aside} messages kept aside "
            f"(confidence threshold {report.threshold:.2f}):"
        )
        for scores in report.scores:
            self.stdout.write(
                f"  {scores.name:<22} accuracy {scores.accuracy:6.1%}   "
                f"high-risk recall {scores.high_risk_recall:6.1%}"
            )
        before, after = report.scores[0], report.scores[-1]
        self.stdout.write(f"Before (rules alone): {before.accuracy:.1%}")
        self.stdout.write(f"After (rules + {report.model.label}): {after.accuracy:.1%}")
        self.stdout.write(f"Stored at {report.path}")
