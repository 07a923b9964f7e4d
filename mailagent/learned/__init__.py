"""Triage that learns from the team's decisions: a linear classifier on word and character
n-grams, trained by `python manage.py train_triage`, combined with the rules (`agents.rules`).

- `features`: the text a message is read as, and its n-grams (the same function trains and
  predicts, so the two can never drift apart).
- `model`: training (scikit-learn, at training time only) and the stored model (numpy arrays
  and JSON in one `.npz` file: no pickle, so loading a file runs no code).
- `combine`: where the model's guess replaces the rules' answer, and where it may not.
- `bundled`: the labelled messages that ship with the product.

Nothing here touches the database or reads settings: the services and the backend factory hand
in what they read.
"""
