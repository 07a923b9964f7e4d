"""The admin's mailbox connections: a list of what is connected and how it stands, and the
"Connect a mailbox" page that starts a consent.

The admin shows only the address, provider, scopes, expiry, last refresh, status and reason:
the encrypted columns are never in a page or a form (the model form is never used; the add page
is our own form). Connecting replaces "add": the page renders the provider's authorization
address as a link to follow instead of redirecting the form's POST to it, because the
Content-Security-Policy's `form-action 'self'` also governs where a form's redirects may lead.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.html import format_html

from mailagent.models import MailboxConnection
from mailagent.oauth.consent import callback_url, consent_start, stored_client_secret
from mailagent.oauth.providers import provider_for
from mailagent.oauth.tokens import normalized, reconnect_url
from mailagent.services.audit import audit_record


class ConnectMailboxForm(forms.Form):
    provider = forms.ChoiceField(choices=MailboxConnection.Provider.choices)
    address = forms.EmailField(label="Mailbox address", max_length=320)
    client_id = forms.CharField(label="OAuth client id", max_length=255)
    client_secret = forms.CharField(
        label="OAuth client secret",
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Left blank when connecting a mailbox again, the secret already stored is kept.",
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("address") and not data.get("client_secret"):
            data["client_secret"] = stored_client_secret(data["address"])
            if not data["client_secret"]:
                self.add_error("client_secret", "The client secret is needed.")
        return data


@admin.register(MailboxConnection)
class MailboxConnectionAdmin(admin.ModelAdmin):
    list_display = (
        "address",
        "provider",
        "status",
        "access_token_expires_at",
        "last_refreshed_at",
        "connect_again",
    )
    list_filter = ("status", "provider")
    search_fields = ("address",)
    fields = (
        "address",
        "provider",
        "scopes",
        "access_token_expires_at",
        "last_refreshed_at",
        "status",
        "reason",
        "connect_again",
    )
    readonly_fields = fields

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description="connect again")
    def connect_again(self, obj: MailboxConnection) -> str:
        return format_html('<a class="reconnect" href="{}">Connect again</a>', reconnect_url(obj))

    def delete_model(self, request: HttpRequest, obj: MailboxConnection) -> None:
        self._audit_disconnect(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        self._audit_disconnect(request, list(queryset))
        super().delete_queryset(request, queryset)

    def _audit_disconnect(self, request: HttpRequest, mailboxes: list) -> None:
        for mailbox in mailboxes:
            audit_record(
                action="mailbox.disconnected",
                obj=mailbox,
                actor=request.user.email or request.user.get_username(),
                summary=f"{mailbox.address} disconnected in the admin; its tokens were deleted",
            )

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context=None):
        """ "Connect a mailbox": a consent, never a typed-in row."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.model._meta}
        if request.method == "POST":
            form = ConnectMailboxForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                url = consent_start(
                    user=request.user,
                    provider=data["provider"],
                    address=data["address"],
                    client_id=data["client_id"],
                    client_secret=data["client_secret"],
                )
                return TemplateResponse(
                    request,
                    "admin/mailagent/mailboxconnection/consent.html",
                    {
                        **context,
                        "title": f"Connect {normalized(data['address'])}",
                        "authorization_url": url,
                        "provider": data["provider"],
                        "scopes": provider_for(data["provider"]).scopes,
                    },
                )
        else:
            form = ConnectMailboxForm(initial=self._initial(request))
        return TemplateResponse(
            request,
            "admin/mailagent/mailboxconnection/connect.html",
            {**context, "title": "Connect a mailbox", "form": form, "callback": callback_url()},
        )

    def _initial(self, request: HttpRequest) -> dict:
        address = normalized(request.GET.get("address", ""))
        initial = {"address": address, "provider": request.GET.get("provider", "")}
        mailbox = MailboxConnection.objects.filter(address=address).first() if address else None
        if mailbox is not None:
            initial.update(provider=mailbox.provider, client_id=mailbox.client_id)
        return initial
