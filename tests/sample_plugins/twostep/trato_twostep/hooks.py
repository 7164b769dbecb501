"""twostep implements no hooks: only its migrations matter to the tests."""
