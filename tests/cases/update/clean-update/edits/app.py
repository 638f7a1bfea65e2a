def main():
    return 42


def helper():
    return "v1"
