from gpu_demo import installed_variant

print(installed_variant())
