"""What holds the code to its rules: imports, layout, docs, schema, events and authorization."""
