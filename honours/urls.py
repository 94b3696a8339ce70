from records.pages.urls import record_patterns

app_name = "honours"

urlpatterns = record_patterns(app_name)
