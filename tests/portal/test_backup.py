"""Backup and restore as the README says: deploy/backup.sh, then deploy/restore.sh elsewhere."""

import hashlib
import subprocess
import uuid
from pathlib import Path

import psycopg2
import pytest
import reversion
from django.core.files.base import ContentFile
from django.db import connection
from reversion.models import Version

from attachments.models import Attachment
from attachments.services import attachment_create
from demo import samples
from news.models import Article
from tests.factories import ArticleFactory
from tests.servers import PROJECT, database_url, production_env


def run(script, env, *args):
    result = subprocess.run(
        ["bash", str(PROJECT / "deploy" / script), *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_bring_everything_back(media_root, tmp_path, collected_static):
    articles = []
    for i in range(3):
        article = ArticleFactory(title=f"备份测试第{i}篇", body=f"<p>第{i}篇</p>")
        with reversion.create_revision():
            article.title = f"备份测试第{i}篇（修订）"
            article.save()
        attachment_create(article=article, file=ContentFile(samples.docx(f"附件{i}"), name=f"附件{i}.docx"))
        articles.append(article)
    expected_titles = sorted(Article.objects.values_list("title", flat=True))
    expected_files = {a.file.name: a.sha256 for a in Attachment.objects.all()}
    expected_versions = Version.objects.count()
    assert expected_versions >= 3

    source_env = production_env(
        static_root=collected_static, media_root=media_root, PYTHON=str(PROJECT / ".venv" / "bin" / "python")
    )
    dump, tarball = run("backup.sh", source_env, tmp_path / "backup").split()

    restored_db = f"restore_{uuid.uuid4().hex[:8]}"
    admin_url = database_url().rsplit("/", 1)[0] + "/postgres"
    admin = psycopg2.connect(admin_url)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{restored_db}"')
    try:
        restored_media = tmp_path / "restored-media"
        target_url = database_url().rsplit("/", 1)[0] + "/" + restored_db
        target_env = {**source_env, "DATABASE_URL": target_url, "MEDIA_ROOT": str(restored_media)}
        output = run("restore.sh", target_env, dump, tarball)
        assert "没有发现问题" in output  # attachments_check: every file and record found

        with psycopg2.connect(target_url) as restored, restored.cursor() as cursor:
            cursor.execute("SELECT title FROM news_article ORDER BY title")
            assert [row[0] for row in cursor.fetchall()] == expected_titles
            cursor.execute("SELECT file, sha256 FROM attachments_attachment")
            assert dict(cursor.fetchall()) == expected_files
            cursor.execute("SELECT count(*) FROM reversion_version")
            assert cursor.fetchone()[0] == expected_versions
        for name, digest in expected_files.items():
            assert hashlib.sha256((restored_media / name).read_bytes()).hexdigest() == digest
    finally:
        connection.close()
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored_db}" WITH (FORCE)')
        admin.close()


def test_the_readme_documents_backup_and_restore():
    readme = (Path(PROJECT) / "README.md").read_text()
    assert "deploy/backup.sh" in readme and "deploy/restore.sh" in readme
