// Streams each chosen file to POST /api/loras with XMLHttpRequest (for upload progress), one request per file,
// so the browser never holds more than it reads and the server writes straight to disk.
export function attachUploader(input, dotnet) {
    input.addEventListener('change', async () => {
        const files = Array.from(input.files);
        input.value = '';
        const tokenResponse = await fetch('api/antiforgery', { credentials: 'same-origin' });
        if (!tokenResponse.ok) {
            await dotnet.invokeMethodAsync('OnUploadFinished', '', 0, 'Could not get an upload token; are you still signed in?');
            return;
        }
        const token = (await tokenResponse.json()).token;
        for (const file of files) {
            const query = await dotnet.invokeMethodAsync('UploadQuery');
            await dotnet.invokeMethodAsync('OnUploadStarted', file.name);
            const result = await send(file, query, token, (loaded, total) => dotnet.invokeMethodAsync('OnUploadProgress', file.name, loaded, total));
            await dotnet.invokeMethodAsync('OnUploadFinished', file.name, result.status, result.body);
        }
    });
    // Lets a person (or a test) know the picker is live: choosing files before this would do nothing.
    input.dataset.ready = 'true';
}

function send(file, query, token, progress) {
    return new Promise(resolve => {
        const form = new FormData();
        form.append('files', file, file.name);
        const request = new XMLHttpRequest();
        request.open('POST', 'api/loras?' + query);
        request.setRequestHeader('RequestVerificationToken', token);
        let last = 0;
        request.upload.onprogress = e => {
            const now = Date.now();
            if (e.lengthComputable && now - last > 200) { last = now; progress(e.loaded, e.total); }
        };
        request.onload = () => resolve({ status: request.status, body: request.responseText });
        request.onerror = () => resolve({ status: 0, body: 'the connection failed during the upload' });
        request.send(form);
    });
}
