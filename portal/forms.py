from django import forms


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
