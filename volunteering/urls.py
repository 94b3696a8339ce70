from records.pages.urls import record_patterns

app_name = "volunteering"

urlpatterns = record_patterns(app_name)
