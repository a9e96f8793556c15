"""Translators as plug-ins behind one small protocol (``translator.Translator``): a LibreTranslate-style
HTTP API and an OpenAI-style chat-completions endpoint; ``choice.translator_from`` builds the one set."""
