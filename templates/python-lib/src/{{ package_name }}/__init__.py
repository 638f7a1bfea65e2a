def hello():
    return "{{ project_name }}"
