def main():
    return 1


def helper():
    return "v1"
