from django import forms

from mailagent.services.corrections import Corrected, InvalidCorrection, correction_posted


class DecisionForm(forms.Form):
    action = forms.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])
    body = forms.CharField(required=False, strip=False, max_length=50_000)
    reason = forms.CharField(required=False, max_length=2_000)

    def clean(self):
        data = super().clean()
        if data.get("action") == "reject" and not (data.get("reason") or "").strip():
            self.add_error(
                "reason", "Say why you reject the draft; the reason goes in the audit trail."
            )
        if (
            data.get("action") == "approve"
            and "body" in self.data
            and not data.get("body", "").strip()
        ):
            self.add_error(
                "body", "The reply is empty. Write a reply, or reject the draft instead."
            )
        return data


class CorrectionForm(forms.Form):
    """One click of a correction: the field, the value chosen, and the value the person saw."""

    field = forms.ChoiceField(choices=[(f.value, f.label) for f in Corrected])
    value = forms.CharField(max_length=32)
    seen = forms.CharField(required=False, max_length=32)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            data["field"], data["value"], data["seen"] = correction_posted(
                field=data["field"], value=data["value"], seen=data.get("seen", "")
            )
        except InvalidCorrection as exc:
            raise forms.ValidationError(str(exc)) from None
        return data
