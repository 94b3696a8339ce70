from records.pages.urls import record_patterns

app_name = "partnerships"

urlpatterns = record_patterns(app_name)
