from participate import create_app

app = create_app()
