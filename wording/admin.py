from django.contrib import admin

from .models import WordingEntry


@admin.register(WordingEntry)
class WordingEntryAdmin(admin.ModelAdmin):
    list_display = ("wrong", "right", "severity", "note", "updated_at")
    list_filter = ("severity",)
    search_fields = ("wrong", "right", "note")
    fields = ("wrong", "right", "severity", "note")
    list_per_page = 100
