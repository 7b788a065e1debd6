"""End-to-end checks of the built site with real tools (marked `e2e`; see setup.sh)."""
