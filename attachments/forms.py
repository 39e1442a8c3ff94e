from django import forms

from .models import Attachment
from .services import apply_upload_info
from .validation import inspect_upload


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
        self.fields["file"].max_length = None
        if self.instance.pk:
            # A stored file is not replaced in place (that would leave the old one behind):
            # delete the row and add a new one.
            self.fields["file"].disabled = True

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded and "file" in self.changed_data:
            self.upload_info = inspect_upload(uploaded)
        return uploaded

    def save(self, commit=True):
        if self.upload_info is not None:
            apply_upload_info(self.instance, self.upload_info)
        if self.instance.pk is None and self.uploaded_by is not None:
            self.instance.uploaded_by = self.uploaded_by
        return super().save(commit)
