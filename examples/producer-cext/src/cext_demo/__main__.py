from cext_demo import compiled_for

print(compiled_for())
