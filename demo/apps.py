from django.apps import AppConfig


class DemoConfig(AppConfig):
    """
    Demo content for trying the portal out (`load_demo`, `create_demo_accounts`) and the
    benchmark's generated archive (`generate_articles`), with the sample files both use.
    Not product code: the runtime apps know nothing of it.
    """

    name = "demo"
    verbose_name = "演示内容"
