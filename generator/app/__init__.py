"""The composition root: the build, validation and preview, each as the sequence of
stages it runs, and the reports they write."""
