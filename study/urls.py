from records.pages.urls import record_patterns

app_name = "study"

urlpatterns = record_patterns(app_name)
