from django.contrib import admin

from ..models import Category, Page


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "parent", "order", "show_in_nav", "update_rule")
    list_editable = ("order", "show_in_nav")
    list_filter = ("show_in_nav", "update_rule", "parent")
    search_fields = ("name", "slug")
    list_select_related = ("parent",)
    fields = ("name", "slug", "parent", "order", "show_in_nav", "update_rule", "description", "shown_page")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            # Two levels: only first-level 栏目 can be parents.
            kwargs["queryset"] = Category.objects.filter(parent__isnull=True)
        if db_field.name == "shown_page":
            kwargs["queryset"] = Page.objects.order_by("title")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
