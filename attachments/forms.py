from django import forms
from django.utils.html import format_html

from .models import Attachment
from .services import apply_upload_info
from .validation import inspect_upload


class StoredFileWidget(forms.Widget):
    """
    A stored attachment's file, which is not replaced in place: its original name, linked
    to the download view. Not the storage's link: nginx refuses /media/attachments/ (drafts'
    files stay private, downloads are counted), and the generated name means nothing to an editor.
    """

    def __init__(self, attachment):
        super().__init__()
        self.attachment = attachment

    def render(self, name, value, attrs=None, renderer=None):
        return stored_file_link(self.attachment)


def stored_file_link(attachment):
    """
    The file under its original name, linked to the download view (staff get drafts' files
    there too): never the storage's link, as nginx refuses /media/attachments/.
    """
    return format_html('<a href="{}">{}</a>', attachment.get_absolute_url(), attachment.original_name)


class AttachmentForm(forms.ModelForm):
    """An attachment row of the article or single-page form: the upload is checked before anything is stored."""

    uploaded_by = None  # set per request by the admin inline

    class Meta:
        model = Attachment
        fields = ("file", "title", "order")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.upload_info = None
        # A row of the tabular inline has its labels in the column headings only: each
        # input is named for assistive technology too (axe: label, critical).
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", field.label)
        # The uploader's file name is kept in original_name, shortened to fit if need be
        # (attachments.services.apply_upload_info); the stored name is generated. So the
        # name's length is no reason to refuse a file.
        if "file" not in self.fields:
            return  # the inline read only: the file is its admin's stored_file link
        self.fields["file"].max_length = None
        if self.instance.pk:
            # A stored file is not replaced in place (that would leave the old one behind):
            # delete the row and add a new one.
            self.fields["file"].disabled = True
            self.fields["file"].widget = StoredFileWidget(self.instance)

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded and "file" in self.changed_data:
            self.upload_info = inspect_upload(uploaded)
        return uploaded

    def save(self, commit=True):
        if self.upload_info is not None:
            apply_upload_info(self.instance, self.upload_info)
        if self.uploaded_by is not None:
            self.instance.updated_by = self.uploaded_by  # the user of the request (set by the inline)
            if self.instance.pk is None:
                self.instance.uploaded_by = self.uploaded_by
        return super().save(commit)
