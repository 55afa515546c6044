"""Reading and validating mkdocs.yml: the plugin's settings, the notify schema, MkDocs' checks."""
